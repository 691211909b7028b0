package io.warren.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeoutException;

/** A broker started in-process on a free port, with a client connection factory pointing at it. */
public final class RunningBroker implements AutoCloseable {
    private final Broker broker;

    private RunningBroker(Broker broker) {
        this.broker = broker;
    }

    public static RunningBroker start() {
        return start(BrokerConfig.defaults());
    }

    public static RunningBroker start(BrokerConfig config) {
        try {
            BrokerConfig c = config.withAmqpPort(0).withBindAddress("127.0.0.1")
                    .withDataDir(Files.createTempDirectory("warren-test"));
            return new RunningBroker(new Broker(c).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Broker broker() {
        return broker;
    }

    public int port() {
        return broker.port();
    }

    /** A factory for guest on this broker, with automatic recovery off so failures surface in tests. */
    public ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port());
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setRequestedHeartbeat(0);
        return f;
    }

    public Connection connect() {
        try {
            return factory().newConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
