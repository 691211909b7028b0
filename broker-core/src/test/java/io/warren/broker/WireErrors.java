package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import org.awaitility.Awaitility;

/** The channel.close or connection.close a broker answers a bad method with, as the RabbitMQ client reports it. */
public final class WireErrors {
    /** Something a test does on the wire that is expected to fail. */
    @FunctionalInterface
    public interface WireAction {
        void run() throws Exception;
    }

    private WireErrors() {
    }

    /** Runs a call that must close its channel; returns the channel.close the broker sent. */
    public static AMQP.Channel.Close channelClose(WireAction action) {
        return assertInstanceOf(AMQP.Channel.Close.class, shutdownReason(action), "expected channel.close");
    }

    /** Runs a call that must close the whole connection; returns the connection.close the broker sent. */
    public static AMQP.Connection.Close connectionClose(WireAction action) {
        return assertInstanceOf(AMQP.Connection.Close.class, shutdownReason(action), "expected connection.close");
    }

    /** Waits for the broker to close a channel after an asynchronous method (a publish); returns its close. */
    public static AMQP.Channel.Close awaitChannelClosed(Channel ch) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        return assertInstanceOf(AMQP.Channel.Close.class, ch.getCloseReason().getReason());
    }

    private static Method shutdownReason(WireAction action) {
        try {
            action.run();
        } catch (ShutdownSignalException e) {
            return e.getReason();
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s) {
                return s.getReason();
            }
            return fail("unexpected I/O failure", e);
        } catch (Exception e) {
            return fail("unexpected failure", e);
        }
        return fail("the broker accepted what it should have refused");
    }
}
