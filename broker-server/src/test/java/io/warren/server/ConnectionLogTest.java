package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections opening and closing, in the log as RabbitMQ writes them, with the user and vhost. */
class ConnectionLogTest {
    @TempDir
    Path dir;
    private BrokerProcess broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port", "none", "--bind",
                "127.0.0.1", "--data-dir", dir.resolve("data").toString());
        assertTrue(broker.port() > 0, broker.log());
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void anOrderlyConnectionIsLoggedAcceptedAuthenticatedAndClosedWithItsUserAndVhost() throws Exception {
        AtomicReference<Socket> socket = new AtomicReference<>();
        String name;
        try (Connection c = factory(socket).newConnection("billing")) {
            name = "127.0.0.1:" + socket.get().getLocalPort() + " -> 127.0.0.1:" + broker.port();
        }
        String log = broker.awaitLog("closing AMQP connection (" + name);
        assertTrue(log.contains("INFO  [") && log.contains("accepting AMQP connection (" + name + ")"), log);
        assertTrue(log.contains("connection (" + name + ") has a client-provided name: billing"), log);
        assertTrue(log.contains("connection (" + name + " - billing): user 'guest' authenticated and granted access "
                + "to vhost '/'"), log);
        assertTrue(log.contains("INFO  [") && log.contains("closing AMQP connection (" + name
                + " - billing, vhost: '/', user: 'guest')\n"), log);
    }

    @Test
    void aClientThatDropsTheTcpConnectionIsLoggedAsAWarning() throws Exception {
        AtomicReference<Socket> socket = new AtomicReference<>();
        Connection c = factory(socket).newConnection();
        String name = "127.0.0.1:" + socket.get().getLocalPort() + " -> 127.0.0.1:" + broker.port();
        broker.awaitLog("connection (" + name + "): user 'guest' authenticated");
        socket.get().close(); // no connection.close: the TCP connection just ends
        String log = broker.awaitLog("client unexpectedly closed TCP connection");
        assertTrue(log.contains("WARN  [") && log.contains("closing AMQP connection (" + name
                + ", vhost: '/', user: 'guest'): client unexpectedly closed TCP connection"), log);
        c.abort();
    }

    private ConnectionFactory factory(AtomicReference<Socket> socket) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port());
        f.setAutomaticRecoveryEnabled(false);
        // the test reads the client's port from the socket, and closes it under the client to drop the connection
        f.setSocketFactory(new SocketFactory() {
            @Override
            public Socket createSocket() {
                Socket s = new Socket();
                socket.set(s);
                return s;
            }

            @Override
            public Socket createSocket(String host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress local, int localPort) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress local,
                                       int localPort) {
                throw new UnsupportedOperationException();
            }
        });
        return f;
    }
}
