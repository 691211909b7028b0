package io.warren.broker.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a PEM private key belongs to the first certificate of a PEM chain. The JDK's engine would take a
 * mismatched pair and fail every handshake; a certificate renewed by writing the two files one after the other is
 * such a pair for a moment, and must not replace a working one.
 */
final class KeyPairCheck {
    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final byte[] PROBE = "warren key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyPairCheck() {
    }

    /** Throws IllegalArgumentException saying what is wrong when the key does not sign for the certificate. */
    static void check(byte[] chainPem, byte[] keyPem) {
        X509Certificate leaf;
        try {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(chainPem));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the certificate file holds no PEM certificate (" + e.getMessage()
                    + ")", e);
        }
        Matcher m = PKCS8.matcher(new String(keyPem, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IllegalArgumentException("the key file holds no unencrypted PKCS#8 PEM key (\"BEGIN PRIVATE "
                    + "KEY\"); convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem");
        }
        PublicKey pub = leaf.getPublicKey();
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            PrivateKey key = KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
            String algorithm = switch (pub.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> pub.getAlgorithm(); // Ed25519, Ed448
            };
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(PROBE);
            if (!verifier.verify(signer.sign())) {
                throw new IllegalArgumentException("the private key does not match the certificate "
                        + leaf.getSubjectX500Principal().getName());
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("the private key")) {
                throw iae;
            }
            throw new IllegalArgumentException("the private key does not match the certificate "
                    + leaf.getSubjectX500Principal().getName() + " (" + e + ")", e);
        }
    }
}
