package io.warren.broker.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    @Test
    void aHashMatchesItsPasswordOnly() {
        PasswordHash h = PasswordHash.of("s3cret");
        assertTrue(h.matches("s3cret"));
        assertFalse(h.matches("S3cret"));
        assertEquals(PasswordHash.SHA256, h.algorithm());
    }

    @Test
    void aRabbitMqSha512HashFromAnExportIsAccepted() throws Exception {
        byte[] salt = {1, 2, 3, 4};
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        md.update(salt);
        md.update("pw".getBytes(StandardCharsets.UTF_8));
        byte[] digest = md.digest();
        byte[] all = new byte[4 + digest.length];
        System.arraycopy(salt, 0, all, 0, 4);
        System.arraycopy(digest, 0, all, 4, digest.length);
        PasswordHash h = PasswordHash.fromBase64(Base64.getEncoder().encodeToString(all), PasswordHash.SHA512);
        assertTrue(h.matches("pw"));
        assertFalse(h.matches("pw2"));
    }

    @Test
    void anUnknownHashingAlgorithmIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.fromBase64("AAAA", "rabbit_password_hashing_foo"));
        assertTrue(e.getMessage().contains("rabbit_password_hashing_foo"));
    }
}
