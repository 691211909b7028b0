package io.warren.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.durable.DefinitionReplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * A broker started in-process on a free port, with a client connection factory pointing at it.
 *
 * <p>As a JUnit extension, {@code @RegisterExtension static final RunningBroker broker = RunningBroker.perClass();}
 * starts the broker before the class's {@code @BeforeAll} methods and closes it after its {@code @AfterAll} ones.
 * Connections from {@link #connect()} are aborted for the test: those opened while the class is set up (in
 * {@code @BeforeAll}) after the class, those opened later (in field initializers, {@code @BeforeEach} or a test)
 * after each test. Outside JUnit, {@link #start()} gives a started broker that {@link #close()} stops.
 *
 * <p>Each broker gets a fresh temporary data directory, deleted when it stops, so that no test sees another's
 * durable definitions; {@link #startOn} starts one on a given directory instead, to test what survives a restart.
 */
public final class RunningBroker
        implements AutoCloseable, BeforeAllCallback, AfterAllCallback, TestInstancePreConstructCallback,
        AfterEachCallback {
    private final BrokerConfig config;
    private final Path dataDir;
    private final DefinitionReplication replication;
    private Path temporaryDataDir;
    private final List<Connection> classConnections = new CopyOnWriteArrayList<>();
    private final List<Connection> testConnections = new CopyOnWriteArrayList<>();
    private volatile Broker broker;
    private Connection shared;
    private volatile boolean settingUpClass;

    private RunningBroker(BrokerConfig config, Path dataDir) {
        this(config, dataDir, DefinitionReplication.LOCAL);
    }

    private RunningBroker(BrokerConfig config, Path dataDir, DefinitionReplication replication) {
        this.config = config;
        this.dataDir = dataDir;
        this.replication = replication;
    }

    /** An extension that runs a broker with the default configuration for the lifetime of a test class. */
    public static RunningBroker perClass() {
        return perClass(BrokerConfig.defaults());
    }

    /** An extension that runs a broker with this configuration for the lifetime of a test class. */
    public static RunningBroker perClass(BrokerConfig config) {
        return new RunningBroker(config, null);
    }

    /**
     * An extension that runs a broker whose definitions go through this replication, for the lifetime of a test
     * class: a stand-in for what the cluster module plugs in (its placement, its quorum queues).
     */
    public static RunningBroker perClass(BrokerConfig config, DefinitionReplication replication) {
        return new RunningBroker(config, null, replication);
    }

    public static RunningBroker start() {
        return start(BrokerConfig.defaults());
    }

    public static RunningBroker start(BrokerConfig config) {
        RunningBroker b = new RunningBroker(config, null);
        b.startBroker();
        return b;
    }

    /** A started broker on this data directory, which it keeps when it stops: the next one finds what it left. */
    public static RunningBroker startOn(Path dataDir) {
        return startOn(BrokerConfig.defaults(), dataDir);
    }

    public static RunningBroker startOn(BrokerConfig config, Path dataDir) {
        RunningBroker b = new RunningBroker(config, dataDir);
        b.startBroker();
        return b;
    }

    private void startBroker() {
        try {
            Path dir = dataDir;
            if (dir == null) {
                temporaryDataDir = Files.createTempDirectory("warren-test");
                dir = temporaryDataDir;
            }
            // a listener turned off (-1) stays off; any other port becomes a free one
            BrokerConfig c = (config.amqpPort() < 0 ? config : config.withAmqpPort(0))
                    .withBindAddress("127.0.0.1").withDataDir(dir);
            if (c.tls() != null && c.amqpsPort() >= 0) {
                c = c.withTls(0, c.tls());
            }
            try {
                broker = new Broker(c, replication).start();
            } catch (RuntimeException | InterruptedException e) {
                if (temporaryDataDir != null) {
                    deleteTree(temporaryDataDir);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startBroker();
        settingUpClass = true;
    }

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        settingUpClass = false;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        abortAll(testConnections);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
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

    /** A connection for guest, aborted after the test (or after the class, when opened in {@code @BeforeAll}). */
    public Connection connect() {
        Connection c = open();
        (settingUpClass ? classConnections : testConnections).add(c);
        return c;
    }

    private Connection open() {
        try {
            return factory().newConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One connection for the whole class, opened on first use and aborted after the class. */
    public synchronized Connection sharedConnection() {
        if (shared == null) {
            shared = open();
            classConnections.add(shared);
        }
        return shared;
    }

    /** A channel on a new {@link #connect() connection}, for field initializers. */
    public Channel channel() {
        return channel(connect());
    }

    /** A new channel on this connection, without the checked exception, for field initializers. */
    public Channel channel(Connection c) {
        try {
            return c.createChannel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void abortAll(List<Connection> connections) {
        for (Connection c : connections) {
            c.abort();
        }
        connections.clear();
    }

    /** Aborts the connections still open and stops the broker. */
    @Override
    public void close() {
        abortAll(testConnections);
        abortAll(classConnections);
        synchronized (this) {
            shared = null;
        }
        broker.close();
        if (temporaryDataDir != null) {
            deleteTree(temporaryDataDir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test broker's data directory " + dir, e);
        }
    }
}
