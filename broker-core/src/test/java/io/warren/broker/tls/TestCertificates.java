package io.warren.broker.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI made with the openssl command for a test: a CA, a server certificate for localhost and 127.0.0.1,
 * and client certificates by common name; with SSLContexts for clients that trust the CA.
 */
public final class TestCertificates {
    private final Path dir;
    private final String caName;

    private TestCertificates(Path dir, String caName) {
        this.dir = dir;
        this.caName = caName;
    }

    /** A CA called caName and a server certificate it signed, as PEM files under dir. */
    public static TestCertificates create(Path dir, String caName) {
        TestCertificates c = new TestCertificates(dir, caName);
        c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-subj", "/CN=" + caName,
                "-keyout", c.file("ca.key").toString(), "-out", c.ca().toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        c.issue("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        return c;
    }

    public static TestCertificates create(Path dir) {
        return create(dir, "Warren Test CA");
    }

    public Path ca() {
        return file("ca.pem");
    }

    /** The CA's own key: a key that does not belong to the server certificate. */
    public Path caKey() {
        return file("ca.key");
    }

    public Path serverCert() {
        return file("server.pem");
    }

    public Path serverKey() {
        return file("server.key");
    }

    /** Settings for a broker with the server certificate, asking for no client certificate. */
    public TlsSettings serverSettings() {
        return TlsSettings.of(serverCert(), serverKey());
    }

    /** Settings that ask clients for a certificate signed by this CA, and refuse those without if failIfNoCert. */
    public TlsSettings verifyingSettings(boolean failIfNoCert) {
        return serverSettings().withPeerVerification(ca(), true, failIfNoCert);
    }

    /** Issues a client certificate with this CN; returns the name its files are kept under. */
    public String issueClient(String commonName) {
        String name = "client-" + commonName.replaceAll("[^A-Za-z0-9]", "_");
        issue(name, commonName, "extendedKeyUsage=clientAuth\n");
        return name;
    }

    /**
     * Replaces the server's key and certificate files with a new pair for the same names, whose certificate's CN is
     * newCommonName; each file is replaced whole (written aside, then moved), as a certificate tool does.
     */
    public void replaceServerCertificate(String newCommonName) {
        String name = "renewed";
        issue(name, newCommonName, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        try {
            Files.move(file(name + ".key"), serverKey(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(file(name + ".pem"), serverCert(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client context trusting this CA, presenting no certificate. */
    public SSLContext clientContext() {
        return clientContext(null);
    }

    /** A client context trusting this CA and presenting the client certificate issued under this name (or none). */
    public SSLContext clientContext(String clientName) {
        return clientContextTrusting(this, clientName);
    }

    /** A client context trusting the other CA, presenting the client certificate this CA issued under this name. */
    public SSLContext clientContextTrusting(TestCertificates trusted, String clientName) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificates(trusted.ca()).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientName != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", privateKey(file(clientName + ".key")), new char[0],
                        certificates(file(clientName + ".pem")).toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a client TLS context", e);
        }
    }

    private void issue(String name, String commonName, String extensions) {
        Path ext = file(name + ".ext");
        try {
            Files.writeString(ext, extensions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=Warren Tests/CN=" + commonName,
                "-keyout", file(name + ".key.tmp").toString(), "-out", file(name + ".csr").toString());
        openssl("x509", "-req", "-in", file(name + ".csr").toString(), "-CA", ca().toString(),
                "-CAkey", file("ca.key").toString(), "-CAcreateserial", "-days", "3",
                "-extfile", ext.toString(), "-out", file(name + ".pem.tmp").toString());
        try {
            Files.move(file(name + ".key.tmp"), file(name + ".key"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(file(name + ".pem.tmp"), file(name + ".pem"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the openssl command is needed to make test certificates", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The certificates of a PEM file, leaf first. */
    public static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> list = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                list.add((X509Certificate) c);
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem);
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    @Override
    public String toString() {
        return caName + " in " + dir;
    }
}
