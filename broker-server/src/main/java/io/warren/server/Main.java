package io.warren.server;

import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.definitions.DefinitionsLoader;
import io.warren.store.definitions.DefinitionStoreException;
import io.warren.management.ManagementServer;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Warren: java -jar warren.jar [--amqp-port N] [--http-port N] [--data-dir DIR] [...]. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("warren: " + e.getMessage());
            }
            System.err.print(ServerOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        Files.createDirectories(options.dataDir());
        BrokerConfig config = BrokerConfig.defaults()
                .withAmqpPort(options.amqpPort())
                .withDataDir(options.dataDir())
                .withBindAddress(options.bindAddress())
                .withHeartbeat(options.heartbeat())
                .withFrameMax(options.frameMax())
                .withMemoryHighWatermark(options.memoryHighWatermark())
                .withDiskFreeLimit(options.diskFreeLimit())
                .withStore(options.store());
        if (options.tls().settings() != null) {
            config = config.withTls(options.tls().amqpsPort(), options.tls().settings());
        }
        Broker broker;
        try {
            broker = new Broker(config);
        } catch (IllegalArgumentException e) {
            // certificate files that do not load: the message names them
            LOG.error("cannot start: {}", e.getMessage());
            System.exit(1);
            return;
        } catch (DefinitionStoreException e) {
            // e.g. another broker runs on this data directory: say so plainly rather than with a stack trace
            LOG.error("cannot restore definitions from {}: {}", options.dataDir().toAbsolutePath(), e.getMessage());
            System.exit(1);
            return;
        }
        if (options.definitions() != null) {
            try {
                var s = new DefinitionsLoader(broker).load(options.definitions());
                LOG.info("loaded definitions from {}: {} vhosts, {} users, {} permissions, {} policies, {} exchanges, "
                                + "{} queues, {} bindings", options.definitions(), s.vhosts(), s.users(),
                        s.permissions(), s.policies(), s.exchanges(), s.queues(), s.bindings());
            } catch (DefinitionsLoader.DefinitionsException e) {
                LOG.error("cannot load definitions: {}", e.getMessage());
                System.exit(1);
            }
        }
        ManagementServer management;
        // alarms are reported as none until the alarm component is wired into the admin facade
        try {
            broker.start();
            management = new ManagementServer(new BrokerAdmin(broker), options.bindAddress(), options.httpPort(),
                    options.http(), options.tls().httpsPort(), broker.tlsContext()).metricsAuth(options.metricsAuth())
                    .prometheusPort(options.prometheusPort())
                    .start();
        } catch (Exception e) {
            // e.g. a port in use: the event loops already run and would keep a half-started broker alive
            LOG.error("cannot listen: {}", e.toString());
            broker.close();
            System.exit(1);
            return;
        }
        LOG.info("data directory {}", options.dataDir().toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            management.close();
            broker.close();
        }, "warren-shutdown"));
    }
}
