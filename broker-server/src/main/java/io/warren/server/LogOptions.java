package io.warren.server;

import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * The log settings from the flags and config file: the level (error, warn, info, debug) and the format (plain
 * lines, or one JSON object per line).
 */
public record LogOptions(Level level, Format format) {
    /** How each log line is written. */
    public enum Format { PLAIN, JSON }

    static LogOptions defaults() {
        return new LogOptions(Level.INFO, Format.PLAIN);
    }

    /** Takes log-level and log-format out of the merged flags and config file; throws on bad values. */
    static LogOptions take(Map<String, String> merged) {
        String level = merged.remove("log-level");
        String format = merged.remove("log-format");
        return new LogOptions(level == null ? Level.INFO : level(level),
                format == null ? Format.PLAIN : format(format));
    }

    private static Level level(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn", "warning" -> Level.WARN; // "warning" is RabbitMQ's name for it
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            default -> throw new IllegalArgumentException("log-level must be error, warn, info or debug, got '" + v
                    + "'");
        };
    }

    private static Format format(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "plain" -> Format.PLAIN;
            case "json" -> Format.JSON;
            default -> throw new IllegalArgumentException("log-format must be plain or json, got '" + v + "'");
        };
    }
}
