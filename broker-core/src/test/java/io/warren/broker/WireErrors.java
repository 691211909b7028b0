package io.warren.broker;

import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Catches the channel.close or connection.close a broker answers a bad method with. */
public final class WireErrors {
    /** Something a test does on the wire that is expected to fail. */
    @FunctionalInterface
    public interface WireAction {
        void run() throws Exception;
    }

    private WireErrors() {
    }

    /** Runs the action, expects the broker to close the channel, returns the close method. */
    public static AMQP.Channel.Close channelClose(WireAction action) {
        Method m = shutdownReason(action);
        if (m instanceof AMQP.Channel.Close c) {
            return c;
        }
        return fail("expected channel.close, got " + m);
    }

    /** Runs the action, expects the broker to close the connection, returns the close method. */
    public static AMQP.Connection.Close connectionClose(WireAction action) {
        Method m = shutdownReason(action);
        if (m instanceof AMQP.Connection.Close c) {
            return c;
        }
        return fail("expected connection.close, got " + m);
    }

    /**
     * The reason a channel was closed by the broker, for failures that arrive asynchronously (after a publish):
     * waits for the shutdown of the channel.
     */
    public static Method awaitShutdown(Channel ch) throws InterruptedException {
        BlockingQueue<ShutdownSignalException> q = new LinkedBlockingQueue<>();
        ch.addShutdownListener(q::add);
        if (!ch.isOpen()) {
            return ch.getCloseReason().getReason();
        }
        ShutdownSignalException s = q.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            return fail("channel was not closed");
        }
        return s.getReason();
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
