package io.warren.server;

import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import io.warren.broker.FailureReason;
import io.warren.broker.ListenerException;
import io.warren.broker.Recovery;
import io.warren.broker.WarrenVersion;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ClusterView;
import io.warren.broker.durable.DefinitionReplication;
import io.warren.cluster.ClusterNode;
import io.warren.cluster.ClusterSettings;
import io.warren.broker.definitions.DefinitionsLoader;
import io.warren.management.ManagementServer;
import io.warren.store.definitions.DefinitionStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the broker and its management server from the options, logging what an operator wants to see at
 * start-up (version, JVM, data directory, what was recovered, each listener); or fails with a {@link
 * StartupFailure} having closed whatever it had started.
 */
final class ServerStartup {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /**
     * The started broker and management server (null when HTTP and HTTPS are both off), and the broker's cluster
     * node (null when it is not in a cluster).
     */
    record Running(Broker broker, ManagementServer management, ClusterNode cluster) implements AutoCloseable {
        @Override
        public void close() {
            if (management != null) {
                management.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            broker.close();
        }
    }

    private ServerStartup() {
    }

    static Running start(ServerOptions options) throws StartupFailure {
        Runtime rt = Runtime.getRuntime();
        LOG.info("Starting Warren {} on Java {} ({}), max heap {} MiB, {} processors, pid {}", WarrenVersion.get(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.maxMemory() >> 20,
                rt.availableProcessors(), ProcessHandle.current().pid());
        Path dataDir = dataDirectory(options.dataDir());
        ClusterSettings clusterSettings = options.cluster().settings();
        ClusterNode cluster = null;
        Broker broker;
        if (clusterSettings == null) {
            broker = broker(options, dataDir, DefinitionReplication.LOCAL);
        } else {
            cluster = new ClusterNode(clusterSettings, dataDir);
            try {
                broker = broker(options, dataDir, cluster.replication());
            } catch (StartupFailure e) {
                cluster.close();
                throw e;
            }
        }
        ClusterView clusterView = cluster != null ? cluster : ClusterView.singleNode(options.cluster().nodeName());
        ManagementServer management = null;
        try {
            if (cluster != null) {
                startCluster(cluster, broker, clusterSettings);
            }
            log(broker.recovery(), dataDir, cluster == null ? broker.config().defaultUser() : null);
            loadDefinitions(broker, options.definitions());
            broker.start();
            if (options.httpPort() >= 0 || options.tls().httpsPort() >= 0 && broker.tlsContext() != null
                    || options.prometheusPort() >= 0) {
                management = new ManagementServer(new BrokerAdmin(broker, clusterView), options.bindAddress(),
                        options.httpPort(),
                        options.http(), options.tls().httpsPort(), broker.tlsContext())
                        .metricsAuth(options.metricsAuth()).prometheusPort(options.prometheusPort()).start();
            }
        } catch (StartupFailure e) {
            closeAll(cluster, broker);
            throw e;
        } catch (ListenerException e) {
            closeAll(cluster, broker);
            throw new StartupFailure(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(cluster, broker);
            throw new StartupFailure("interrupted while starting", e);
        } catch (RuntimeException e) {
            closeAll(cluster, broker);
            throw new StartupFailure("cannot start: " + e, e);
        }
        LOG.info("Warren {} started in {} ms", WarrenVersion.get(),
                ManagementFactory.getRuntimeMXBean().getUptime());
        return new Running(broker, management, cluster);
    }

    private static void closeAll(ClusterNode cluster, Broker broker) {
        if (cluster != null) {
            cluster.close();
        }
        broker.close();
    }

    private static void startCluster(ClusterNode cluster, Broker broker, ClusterSettings s) throws StartupFailure {
        try {
            cluster.start(broker);
        } catch (IOException e) {
            throw new StartupFailure("cannot start cluster node '" + s.nodeName() + "' on cluster port " + s.port()
                    + ": " + FailureReason.of(e), e);
        }
    }

    /** Creates the data directory if need be, and checks that the broker can write there. */
    private static Path dataDirectory(Path dir) throws StartupFailure {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new StartupFailure("cannot use data directory " + abs + ": it is a file, not a directory", null);
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new StartupFailure("cannot create data directory " + abs + ": " + FailureReason.of(e)
                    .replace(abs + ": ", ""), e);
        }
        if (!Files.isWritable(abs)) {
            throw new StartupFailure("cannot use data directory " + abs + ": not writable by this user", null);
        }
        LOG.info("data directory {}", abs);
        return abs;
    }

    private static Broker broker(ServerOptions options, Path dataDir, DefinitionReplication replication)
            throws StartupFailure {
        BrokerConfig config = BrokerConfig.defaults()
                .withAmqpPort(options.amqpPort())
                .withDataDir(options.dataDir())
                .withBindAddress(options.bindAddress())
                .withHeartbeat(options.heartbeat())
                .withFrameMax(options.frameMax())
                .withMemoryHighWatermark(options.memoryHighWatermark())
                .withDiskFreeLimit(options.diskFreeLimit())
                .withStore(options.store())
                .withConsumerTimeout(options.consumerTimeout());
        if (options.tls().settings() != null) {
            config = config.withTls(options.tls().amqpsPort(), options.tls().settings());
        }
        try {
            return new Broker(config, replication);
        } catch (IllegalArgumentException e) {
            // certificate files that do not load: the message names them
            throw new StartupFailure(e.getMessage(), e);
        } catch (DefinitionStoreException e) {
            // e.g. another broker runs on this data directory
            throw new StartupFailure("cannot restore definitions from " + dataDir + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new StartupFailure(e.getMessage() + ": " + FailureReason.of(e.getCause()), e);
        } catch (RuntimeException e) {
            throw new StartupFailure("cannot open the data directory " + dataDir + ": " + e, e);
        }
    }

    private static void log(Recovery r, Path dataDir, String defaultUser) {
        if (r.firstStart()) {
            if (defaultUser != null) {
                LOG.info("new data directory: created vhost '/' and user '{}' (administrator)", defaultUser);
            }
            return;
        }
        LOG.info("recovered from {} in {} ms: {} vhosts, {} users, {} exchanges, {} queues, {} bindings, {} policies, "
                        + "{} messages, {} delayed messages", dataDir, r.millis(), r.vhosts(), r.users(), r.exchanges(),
                r.queues(), r.bindings(), r.policies(), r.messages(), r.delayedMessages());
    }

    private static void loadDefinitions(Broker broker, Path file) throws StartupFailure {
        if (file == null) {
            return;
        }
        try {
            var s = new DefinitionsLoader(broker).load(file);
            LOG.info("loaded definitions from {}: {} vhosts, {} users, {} permissions, {} policies, {} exchanges, "
                            + "{} queues, {} bindings, {} super streams", file, s.vhosts(), s.users(), s.permissions(),
                    s.policies(), s.exchanges(), s.queues(), s.bindings(), s.superStreams());
        } catch (DefinitionsLoader.DefinitionsException e) {
            // a file that cannot be read is named by the message already; what is wrong inside it is not
            throw new StartupFailure(e.getMessage().startsWith("cannot read") ? e.getMessage()
                    : "cannot load definitions from " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupFailure("cannot load definitions from " + file + ": " + FailureReason.withoutFile(e), e);
        }
    }
}
