package io.warren.broker.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.auth.Permission;
import io.warren.broker.connection.AmqpConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AMQP over TLS, as RabbitMQ's ssl_options: the RabbitMQ Java client over a real TLS socket, client certificates
 * checked (verify_peer, fail_if_no_peer_cert) and logged in with EXTERNAL, TLS 1.2 and 1.3 only, strong ciphers
 * only, certificates reloaded without a restart.
 */
class AmqpsTest {
    @TempDir
    static Path dir;
    @TempDir
    static Path otherDir;
    static TestCertificates certs;
    static TestCertificates otherCa;

    @BeforeAll
    static void makeCertificates() {
        certs = TestCertificates.create(dir);
        certs.issueClient("alice");
        certs.issueClient("mallory");
        otherCa = TestCertificates.create(otherDir, "Some Other CA");
        otherCa.issueClient("alice");
    }

    private static RunningBroker broker(TlsSettings tls) {
        return RunningBroker.start(BrokerConfig.defaults().withTls(0, tls));
    }

    /** A factory for guest on the broker's AMQPS port, trusting the test CA and checking the host name. */
    private static ConnectionFactory tls(RunningBroker b, SSLContext context) {
        ConnectionFactory f = b.factory();
        f.setPort(b.broker().tlsPort());
        f.useSslProtocol(context);
        f.enableHostnameVerification();
        return f;
    }

    private static void addUser(RunningBroker b, String name) {
        b.broker().users().putUser(name, "a password nobody types " + new Random().nextLong(), Set.of());
        b.broker().users().setPermission(name, "/", Permission.ALL);
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void aClientTrustingTheCaPublishesAndConsumesOverAmqps(TlsEngine engine) throws Exception {
        try (RunningBroker b = broker(certs.serverSettings().withEngine(engine));
             Connection c = tls(b, certs.clientContext()).newConnection()) {
            assertEquals(engine, b.broker().tlsContext().engine(), "the engine asked for runs (netty-tcnative loads)");
            Channel ch = c.createChannel();
            String q = ch.queueDeclare().getQueue();
            byte[] body = new byte[200_000]; // several TLS records and several frames
            new Random(7).nextBytes(body);
            ch.basicPublish("", q, null, body);
            GetResponse got = await().atMost(Duration.ofSeconds(30)).until(() -> ch.basicGet(q, true),
                    r -> r != null);
            assertArrayEquals(body, got.getBody());
        }
    }

    @Test
    void theClientCertificatesCommonNameLogsInWithExternal() throws Exception {
        try (RunningBroker b = broker(certs.verifyingSettings(false))) {
            addUser(b, "alice");
            ConnectionFactory f = tls(b, certs.clientContext("client-alice"));
            f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
            try (Connection c = f.newConnection()) {
                c.createChannel().queueDeclare("alice-was-here", false, false, true, null);
                AmqpConnection server = b.broker().connections().iterator().next();
                assertEquals("alice", server.user().name());
            }
        }
    }

    @Test
    void externalRefusesACertificateWhoseCommonNameIsNoUser() {
        try (RunningBroker b = broker(certs.verifyingSettings(false))) {
            ConnectionFactory f = tls(b, certs.clientContext("client-mallory"));
            f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
            assertThrows(AuthenticationFailureException.class, f::newConnection);
        }
    }

    @Test
    void externalIsNotOfferedWithoutAVerifiedClientCertificate() {
        try (RunningBroker b = broker(certs.verifyingSettings(false))) {
            addUser(b, "localhost");
            // TLS without a client certificate, and the plain listener: EXTERNAL is not among the mechanisms
            for (ConnectionFactory f : new ConnectionFactory[] {tls(b, certs.clientContext()), b.factory()}) {
                f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
                IOException e = assertThrows(IOException.class, f::newConnection);
                assertTrue(String.valueOf(e.getMessage()).contains("No compatible authentication mechanism found"),
                        String.valueOf(e.getMessage()));
            }
        }
    }

    @Test
    void externalIsNotOfferedWhenClientCertificatesAreNotAskedFor() {
        try (RunningBroker b = broker(certs.serverSettings())) {
            addUser(b, "alice");
            ConnectionFactory f = tls(b, certs.clientContext("client-alice"));
            f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
            IOException e = assertThrows(IOException.class, f::newConnection);
            assertTrue(String.valueOf(e.getMessage()).contains("No compatible authentication mechanism found"),
                    String.valueOf(e.getMessage()));
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhenFailIfNoPeerCert() throws Exception {
        try (RunningBroker b = broker(certs.verifyingSettings(true))) {
            assertThrows(IOException.class, () -> tls(b, certs.clientContext()).newConnection().close());
            try (Connection c = tls(b, certs.clientContext("client-alice")).newConnection()) {
                assertTrue(c.isOpen(), "a client with a certificate the CA signed gets in (as guest, with PLAIN)");
            }
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() {
        try (RunningBroker b = broker(certs.verifyingSettings(false))) {
            addUser(b, "alice");
            ConnectionFactory f = tls(b, otherCa.clientContextTrusting(certs, "client-alice"));
            f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
            assertThrows(IOException.class, () -> f.newConnection().close());
        }
    }

    @Test
    void thePlainListenerCanBeTurnedOffWhileAmqpsServes() throws Exception {
        try (RunningBroker b = RunningBroker.start(BrokerConfig.defaults().withAmqpPort(-1)
                .withTls(0, certs.serverSettings()))) {
            assertEquals(-1, b.broker().port());
            try (Connection c = tls(b, certs.clientContext()).newConnection()) {
                assertTrue(c.isOpen());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void tls11AndWeakCiphersAreRefused(TlsEngine engine) {
        try (RunningBroker b = broker(certs.serverSettings().withEngine(engine))) {
            int port = b.broker().tlsPort();
            String lowSecurity = "DEFAULT@SECLEVEL=0"; // lets this openssl offer TLS 1.1 and old suites at all
            OpenSslClient.Result tls11 = OpenSslClient.handshake(port, "-tls1_1", "-cipher", lowSecurity);
            assertFalse(tls11.connected(), tls11.output());
            OpenSslClient.Result tls10 = OpenSslClient.handshake(port, "-tls1", "-cipher", lowSecurity);
            assertFalse(tls10.connected(), tls10.output());
            OpenSslClient.Result cbc = OpenSslClient.handshake(port, "-tls1_2", "-cipher",
                    "AES128-SHA:AES256-SHA256:ECDHE-RSA-AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0");
            assertFalse(cbc.connected(), cbc.output());
            // the same client gets in with TLS 1.2 and a strong suite, and with TLS 1.3
            OpenSslClient.Result tls12 = OpenSslClient.handshake(port, "-tls1_2", "-cipher",
                    "ECDHE-RSA-AES128-GCM-SHA256");
            assertEquals("TLSv1.2", tls12.protocol(), tls12.output());
            OpenSslClient.Result tls13 = OpenSslClient.handshake(port, "-tls1_3");
            assertEquals("TLSv1.3", tls13.protocol(), tls13.output());
        }
    }

    @Test
    void newConnectionsGetAReplacedCertificateWithoutARestart(@TempDir Path own) throws Exception {
        TestCertificates mine = TestCertificates.create(own);
        try (RunningBroker b = broker(mine.serverSettings().withReloadInterval(Duration.ofMillis(500)));
             Connection before = tls(b, mine.clientContext()).newConnection()) {
            assertEquals("CN=localhost,O=Warren Tests", serverCertificate(b, mine).getSubjectX500Principal()
                    .getName());
            mine.replaceServerCertificate("renewed.localhost");
            await().atMost(Duration.ofSeconds(60)).until(() -> serverCertificate(b, mine)
                    .getSubjectX500Principal().getName().equals("CN=renewed.localhost,O=Warren Tests"));
            assertTrue(before.isOpen(), "connections already open keep going");
            try (Connection after = tls(b, mine.clientContext()).newConnection()) {
                after.createChannel().queueDeclare();
            }
        }
    }

    @Test
    void filesThatDoNotLoadKeepTheCurrentCertificate(@TempDir Path own) throws Exception {
        TestCertificates mine = TestCertificates.create(own);
        try (RunningBroker b = broker(mine.serverSettings())) {
            java.nio.file.Files.writeString(mine.serverCert(), "-----BEGIN CERTIFICATE-----\nnot one\n");
            b.broker().tlsContext().reloadIfChanged();
            assertEquals("CN=localhost,O=Warren Tests", serverCertificate(b, mine).getSubjectX500Principal()
                    .getName());
        }
    }

    @Test
    void aBrokerWhoseCertificateFilesDoNotLoadDoesNotStart(@TempDir Path own) throws Exception {
        Path missing = own.resolve("missing.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> broker(TlsSettings.of(missing, certs.serverKey())).close());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> broker(TlsSettings.of(certs.serverCert(), certs.caKey())).close());
        assertTrue(mismatch.getMessage().contains("do not load"), mismatch.getMessage());
    }

    /** The certificate a fresh TLS handshake with the AMQPS port is answered with. */
    private static X509Certificate serverCertificate(RunningBroker b, TestCertificates trusted) throws IOException {
        try (SSLSocket s = (SSLSocket) trusted.clientContext().getSocketFactory()
                .createSocket("127.0.0.1", b.broker().tlsPort())) {
            s.startHandshake();
            X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertNotNull(leaf);
            return leaf;
        }
    }
}
