package io.warren.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Sets up logback from the log options: one console appender, plain lines or logback's JSON lines, at the chosen
 * level. An operator's own logback file (-Dlogback.configurationFile) wins: then nothing here is applied.
 */
final class Logging {
    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";
    static final String PLAIN_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    private Logging() {
    }

    /**
     * Replaces the built-in configuration; call before anything is logged. Returns false, having changed nothing,
     * when a logback file was given on the command line (or logback is not the SLF4J binding).
     */
    static boolean apply(LogOptions options) {
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(options.format() == LogOptions.Format.JSON ? json(context) : plain(context));
        console.start();
        Level level = Level.toLevel(options.level().name());
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(console);
        // Netty's debug output is about Netty itself (buffer pools, native libraries), not the broker
        context.getLogger("io.netty").setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
        // Ratis (a cluster node's Raft log) logs every setting and segment at INFO; its warnings are what count
        context.getLogger("org.apache.ratis").setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
        return true;
    }

    private static Encoder<ILoggingEvent> plain(LoggerContext context) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(PLAIN_PATTERN);
        e.start();
        return e;
    }

    // logback's own encoder: one object per line; the formatted message only, without the template and arguments
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(context);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithContext(false);
        e.setWithMessage(false);
        e.setWithArguments(false);
        e.setWithMDC(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }
}
