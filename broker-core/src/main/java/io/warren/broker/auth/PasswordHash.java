package io.warren.broker.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Salted password hashes in RabbitMQ's format (base64 of a 4-byte salt followed by hash(salt + password)),
 * so that users exported from RabbitMQ log in unchanged.
 */
public final class PasswordHash {
    public static final String SHA256 = "rabbit_password_hashing_sha256";
    public static final String SHA512 = "rabbit_password_hashing_sha512";
    public static final String MD5 = "rabbit_password_hashing_md5";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String algorithm;
    private final byte[] saltAndHash;

    private PasswordHash(String algorithm, byte[] saltAndHash) {
        this.algorithm = algorithm;
        this.saltAndHash = saltAndHash;
    }

    public static PasswordHash of(String password) {
        byte[] salt = new byte[4];
        RANDOM.nextBytes(salt);
        return new PasswordHash(SHA256, concat(salt, digest(SHA256, salt, password)));
    }

    /** A stored hash; algorithm null means RabbitMQ's default, SHA-256. */
    public static PasswordHash fromBase64(String base64, String algorithm) {
        String alg = algorithm == null || algorithm.isEmpty() ? SHA256 : algorithm;
        digestName(alg);
        return new PasswordHash(alg, Base64.getDecoder().decode(base64));
    }

    public boolean matches(String password) {
        if (saltAndHash.length < 5) {
            return false;
        }
        byte[] salt = Arrays.copyOf(saltAndHash, 4);
        byte[] expected = Arrays.copyOfRange(saltAndHash, 4, saltAndHash.length);
        return MessageDigest.isEqual(expected, digest(algorithm, salt, password));
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(saltAndHash);
    }

    public String algorithm() {
        return algorithm;
    }

    private static byte[] digest(String algorithm, byte[] salt, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance(digestName(algorithm));
            md.update(salt);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digestName(String algorithm) {
        return switch (algorithm) {
            case SHA256 -> "SHA-256";
            case SHA512 -> "SHA-512";
            case MD5 -> "MD5";
            default -> throw new IllegalArgumentException("unsupported hashing_algorithm '" + algorithm + "'");
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
