package io.warren.server;

import io.warren.broker.WarrenVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Warren: java -jar warren.jar [--amqp-port N] [--http-port N] [--data-dir DIR] [...]. A command line or
 * config file it does not understand ends it with exit status 2, any other start-up failure with 1; either way
 * with one line saying why.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("cluster")) {
            System.exit(ClusterCommand.run(args));
            return;
        }
        ServerOptions options = optionsOrExit(args);
        boolean applied = Logging.apply(options.log());
        // nothing logs before this point, or its lines would come out in the built-in format
        Logger log = LoggerFactory.getLogger(Main.class);
        if (!applied && !options.log().equals(LogOptions.defaults())) {
            log.warn("log-level and log-format are ignored: logging is configured by {}",
                    System.getProperty(Logging.CONFIGURATION_FILE_PROPERTY));
        }
        ServerStartup.Running running;
        try {
            running = ServerStartup.start(options);
        } catch (StartupFailure e) {
            log.error(oneLine(e.getMessage()));
            log.debug("start-up failure", e.getCause());
            System.exit(1);
            return;
        } catch (Throwable e) {
            // a bug, or the JVM itself failing: still one line, and an exit rather than a half-started process
            log.error("cannot start: {}", oneLine(e.toString()));
            log.debug("start-up failure", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "warren-shutdown"));
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static ServerOptions optionsOrExit(String[] args) {
        try {
            return ServerOptions.parse(args);
        } catch (ServerOptions.VersionRequested e) {
            System.out.println("Warren " + WarrenVersion.get());
            System.exit(0);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().isEmpty()) { // --help
                System.out.print(ServerOptions.USAGE);
                System.exit(0);
            }
            System.err.println("warren: " + oneLine(e.getMessage()));
            if (e instanceof ServerOptions.UsageException) {
                System.err.print(ServerOptions.USAGE);
            }
            System.exit(2);
        }
        throw new AssertionError("unreachable");
    }
}
