package io.warren.broker.connection;

import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.LongStringHelper;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RunningBroker;
import io.warren.broker.auth.Permission;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HandshakeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @BeforeAll
    static void addVhostAndUser() {
        broker.broker().addVhost("other");
        broker.broker().users().putUser("alice", "wonderland", Set.of());
        broker.broker().users().setPermission("alice", "/", Permission.ALL);
    }

    @Test
    void plainLoginOpensTheDefaultVhost() throws Exception {
        try (Connection c = broker.connect()) {
            assertTrue(c.isOpen());
            assertEquals("Warren", c.getServerProperties().get("product").toString());
        }
    }

    @Test
    void serverPropertiesAnnounceEveryImplementedExtensionAndNothingElse() throws Exception {
        try (Connection c = broker.connect()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> caps = (Map<String, Object>) c.getServerProperties().get("capabilities");
            Set<String> implemented = Set.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                    "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                    "authentication_failure_close", "per_consumer_qos", "direct_reply_to");
            assertEquals(implemented, caps.keySet());
            for (String cap : implemented) {
                assertEquals(Boolean.TRUE, caps.get(cap), cap);
            }
        }
    }

    @Test
    void amqplainLoginWorks() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setUsername("alice");
        f.setPassword("wonderland");
        f.setSaslConfig(mechanisms -> new AmqPlain());
        try (Connection c = f.newConnection()) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void wrongPasswordIsRefusedWithAnAuthenticationFailure() {
        ConnectionFactory f = broker.factory();
        f.setPassword("not-the-password");
        AuthenticationFailureException e = assertThrows(AuthenticationFailureException.class, f::newConnection);
        assertTrue(e.getMessage().contains("ACCESS_REFUSED"), e.getMessage());
    }

    @Test
    void unknownVhostClosesTheConnectionWith530() {
        ConnectionFactory f = broker.factory();
        f.setVirtualHost("no-such-vhost");
        IOException e = assertThrows(IOException.class, f::newConnection);
        AMQP.Connection.Close close = closeReason(e);
        assertEquals(530, close.getReplyCode());
        assertTrue(close.getReplyText().contains("no-such-vhost"), close.getReplyText());
    }

    @Test
    void userWithoutPermissionOnAVhostIsRefusedWith530() {
        ConnectionFactory f = broker.factory();
        f.setUsername("alice");
        f.setPassword("wonderland");
        f.setVirtualHost("other");
        IOException e = assertThrows(IOException.class, f::newConnection);
        AMQP.Connection.Close close = closeReason(e);
        assertEquals(530, close.getReplyCode());
        assertTrue(close.getReplyText().contains("refused for user 'alice'"), close.getReplyText());
    }

    @Test
    void frameMaxAndChannelMaxAreNegotiatedDown() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedFrameMax(8192);
        f.setRequestedChannelMax(10);
        try (Connection c = f.newConnection()) {
            assertEquals(8192, c.getFrameMax());
            assertEquals(10, c.getChannelMax());
        }
        try (Connection c = broker.connect()) {
            assertEquals(131072, c.getFrameMax());
            assertEquals(2047, c.getChannelMax());
        }
    }

    @Test
    void aFrameMaxBelowTheMinimumIsRefused() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.send(io.warren.codec.frame.FrameWriter.PROTOCOL_HEADER);
            raw.expect(io.warren.codec.methods.Connection.Start.class);
            raw.sendMethod(0, new io.warren.codec.methods.Connection.StartOk(Map.of(), "PLAIN",
                    io.warren.codec.LongString.of("\0guest\0guest"), "en_US"));
            raw.expect(io.warren.codec.methods.Connection.Tune.class);
            raw.sendMethod(0, new io.warren.codec.methods.Connection.TuneOk(0, 1024, 0));
            var close = raw.expect(io.warren.codec.methods.Connection.Close.class);
            assertEquals(530, close.replyCode());
            assertTrue(close.replyText().contains("frame_max=1024"), close.replyText());
        }
    }

    @Test
    void aWrongProtocolHeaderGetsTheSupportedOneBackAndTheSocketClosed() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.send("AMQP\0\0\10\0".getBytes(StandardCharsets.ISO_8859_1));
            assertArrayEquals(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1}, raw.readBytes(8));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void httpOnTheAmqpPortGetsTheProtocolHeaderBack() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertArrayEquals(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1}, raw.readBytes(8));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void stoppingTheBrokerClosesClientConnectionsWith320() throws Exception {
        RunningBroker own = RunningBroker.start();
        Connection c = own.factory().newConnection(); // not own.connect(): the fixture would close it first
        java.util.concurrent.CompletableFuture<ShutdownSignalException> shutdown =
                new java.util.concurrent.CompletableFuture<>();
        c.addShutdownListener(shutdown::complete);
        own.close();
        ShutdownSignalException s = shutdown.get(10, java.util.concurrent.TimeUnit.SECONDS);
        AMQP.Connection.Close close = (AMQP.Connection.Close) s.getReason();
        assertEquals(320, close.getReplyCode());
        assertTrue(close.getReplyText().startsWith("CONNECTION_FORCED"), close.getReplyText());
    }

    static AMQP.Connection.Close closeReason(Throwable e) {
        Throwable t = e;
        while (t != null && !(t instanceof ShutdownSignalException)) {
            t = t.getCause();
        }
        if (t == null) {
            throw new AssertionError("no shutdown signal in " + e, e);
        }
        return (AMQP.Connection.Close) ((ShutdownSignalException) t).getReason();
    }

    /** RabbitMQ's AMQPLAIN: a field table without its length prefix (the Java client has no built-in one). */
    static final class AmqPlain implements SaslMechanism {
        @Override
        public String getName() {
            return "AMQPLAIN";
        }

        @Override
        public LongString handleChallenge(LongString challenge, String username, String password) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                writeField(out, "LOGIN", username);
                writeField(out, "PASSWORD", password);
                return LongStringHelper.asLongString(bytes.toByteArray());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void writeField(DataOutputStream out, String name, String value) throws IOException {
            byte[] n = utf8(name);
            byte[] v = utf8(value);
            out.writeByte(n.length);
            out.write(n);
            out.writeByte('S');
            out.writeInt(v.length);
            out.write(v);
        }
    }

}
