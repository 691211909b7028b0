package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.function.Executable;

/** The close frames a broker sends when a client call fails, as the RabbitMQ client reports them. */
public final class Failures {
    private Failures() {
    }

    /** Runs a synchronous call that must close its channel; returns the channel.close the broker sent. */
    public static AMQP.Channel.Close channelClose(Executable call) {
        IOException e = assertThrows(IOException.class, call);
        ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, e.getCause());
        return assertInstanceOf(AMQP.Channel.Close.class, s.getReason());
    }

    /** Runs a synchronous call that must close the whole connection; returns the connection.close sent. */
    public static AMQP.Connection.Close connectionClose(Executable call) {
        IOException e = assertThrows(IOException.class, call);
        ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, e.getCause());
        return assertInstanceOf(AMQP.Connection.Close.class, s.getReason());
    }

    /** Waits for the broker to close a channel after an asynchronous method (a publish); returns its close. */
    public static AMQP.Channel.Close awaitChannelClosed(Channel ch) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        return assertInstanceOf(AMQP.Channel.Close.class, ch.getCloseReason().getReason());
    }
}
