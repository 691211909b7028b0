package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.warren.broker.tls.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port already taken: start() says which listener, address and port, and the broker still closes cleanly. */
class ListenerInUseTest {
    @TempDir
    Path dir;

    @Test
    void anAmqpPortInUseNamesTheAmqpListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1")
                    .withAmqpPort(taken.getLocalPort()).withDataDir(dir.resolve("data"));
            assertInUse(config, "AMQP", taken.getLocalPort());
        }
    }

    @Test
    void anAmqpsPortInUseNamesTheAmqpsListener() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withAmqpPort(0)
                    .withTls(taken.getLocalPort(), certs.serverSettings()).withDataDir(dir.resolve("data"));
            assertInUse(config, "AMQPS", taken.getLocalPort());
        }
    }

    private static void assertInUse(BrokerConfig config, String listener, int port) {
        try (Broker broker = new Broker(config)) {
            ListenerException e = assertThrows(ListenerException.class, broker::start);
            assertEquals("cannot listen on 127.0.0.1:" + port + " (" + listener + "): address already in use",
                    e.getMessage());
            assertEquals(listener, e.listener());
            assertEquals(port, e.port());
        }
    }
}
