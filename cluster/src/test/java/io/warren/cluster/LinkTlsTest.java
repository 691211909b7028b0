package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.tls.TlsSettings;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link between nodes over TLS: nodes with certificates of the cluster's CA talk, a plain connection does not. */
class LinkTlsTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @BeforeEach
    void threeNodesOverTls() throws Exception {
        Path pki = Files.createDirectories(dir.resolve("pki"));
        openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Warren test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "node.key",
                "-out", "node.csr");
        Files.writeString(pki.resolve("node.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n");
        openssl(pki, "x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "node.ext", "-out", "node.pem");
        TlsSettings tls = TlsSettings.of(pki.resolve("node.pem"), pki.resolve("node.key"))
                .withPeerVerification(pki.resolve("ca.pem"), true, true);
        cluster = new TestCluster(dir, 3).linkTls(tls).startAll();
        awaitDefaults(cluster, 0, 1, 2);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static void openssl(Path in, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    @Test
    void messagesCrossTheLinkOverTlsBetweenNodesOfTheSameCa() throws Exception {
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("sealed", true, false, false, null);
        }
        for (int i = 1; i < 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(n).broker().vhost("/").queue("sealed")
                    instanceof RemoteQueue);
        }
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", "sealed", MessageProperties.PERSISTENT_BASIC, "secret".getBytes(
                    StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(30_000);
        }
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            GetResponse r = ch.basicGet("sealed", true);
            assertNotNull(r);
            assertEquals("secret", new String(r.getBody(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aPlainConnectionToTheLinkIsClosedWithoutBeingAnswered() throws Exception {
        try (Socket s = new Socket("127.0.0.1", cluster.member(0).port() + 1)) {
            s.setSoTimeout(30_000);
            // a whole frame as a node without TLS would send it: a purge (type 10) of queue '' in vhost '', which a
            // plain link would answer (after its grace for a missing queue) and stay open
            ByteBuffer frame = ByteBuffer.allocate(22).putInt(18).put((byte) 10).putLong(1).putInt(0).putInt(0)
                    .put((byte) 0);
            s.getOutputStream().write(frame.array());
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            try {
                while (in.read() != -1) {
                    // whatever alert the TLS side sends before it closes
                }
            } catch (SocketTimeoutException stillOpen) {
                fail("the link kept a plain connection open");
            } catch (IOException reset) {
                // closed hard: refused as well
            }
        }
    }
}
