package io.warren.broker.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RunningBroker;
import io.warren.codec.LongString;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refused login is explained with 403 only to a client that announced the capability authentication_failure_close;
 * any other client is hung up on, as RabbitMQ does, since it would not expect connection.close before open-ok.
 */
class LoginFailureTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static RawAmqpClient startOk(Map<String, Object> clientProperties, String mechanism, String response)
            throws Exception {
        RawAmqpClient raw = new RawAmqpClient(broker.port());
        raw.send(FrameWriter.PROTOCOL_HEADER);
        raw.expect(Connection.Start.class);
        raw.sendMethod(0, new Connection.StartOk(clientProperties, mechanism, LongString.of(response), "en_US"));
        return raw;
    }

    @Test
    void aWrongPasswordHangsUpWithoutAWordOnAClientWithoutTheCapability() throws Exception {
        try (RawAmqpClient raw = startOk(Map.of("product", LongString.of("old client")), "PLAIN",
                "\0guest\0wrong")) {
            assertEquals(List.of(), raw.readAvailable(2_000));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void aWrongPasswordIsExplainedWith403ToAClientWithTheCapability() throws Exception {
        Map<String, Object> properties = Map.of("capabilities", Map.of("authentication_failure_close", true));
        try (RawAmqpClient raw = startOk(properties, "PLAIN", "\0guest\0wrong")) {
            Connection.Close close = raw.expect(Connection.Close.class);
            assertEquals(403, close.replyCode());
            assertEquals("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see "
                    + "the broker logfile.", close.replyText());
            raw.sendMethod(0, new Connection.CloseOk());
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void theCapabilitySetToFalseIsNoCapability() throws Exception {
        Map<String, Object> properties = Map.of("capabilities", Map.of("authentication_failure_close", false));
        try (RawAmqpClient raw = startOk(properties, "PLAIN", "\0guest\0wrong")) {
            assertEquals(List.of(), raw.readAvailable(2_000));
        }
    }

    @Test
    void anUnknownMechanismHangsUpWithoutAWordAsAnyFailureBeforeLogin() throws Exception {
        Map<String, Object> properties = Map.of("capabilities", Map.of("authentication_failure_close", true));
        try (RawAmqpClient raw = startOk(properties, "EXTERNAL", "")) {
            assertEquals(List.of(), raw.readAvailable(2_000));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void theJavaClientAnnouncesTheCapabilityAndHearsWhy() {
        ConnectionFactory f = broker.factory();
        f.setPassword("wrong");
        AuthenticationFailureException e = assertThrows(AuthenticationFailureException.class, f::newConnection);
        assertTrue(e.getMessage().contains("ACCESS_REFUSED"), e.getMessage());
    }

    @Test
    void theJavaClientWithoutTheCapabilitySeesAPossibleAuthenticationFailure() {
        ConnectionFactory f = broker.factory();
        f.setPassword("wrong");
        Map<String, Object> properties = new HashMap<>(f.getClientProperties());
        @SuppressWarnings("unchecked")
        Map<String, Object> capabilities = new HashMap<>((Map<String, Object>) properties.get("capabilities"));
        capabilities.remove("authentication_failure_close");
        properties.put("capabilities", capabilities);
        f.setClientProperties(properties);
        assertThrowsExactly(PossibleAuthenticationFailureException.class, f::newConnection);
    }
}
