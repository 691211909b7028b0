package io.warren.broker.queue.stream;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RabbitMQ's age notation, used by x-max-age and by interval x-stream-offsets: a positive whole number followed by
 * exactly one unit, Y (365 days), M (30 days), D (days), h (hours), m (minutes) or s (seconds), as rabbit_amqqueue's
 * check_max_age reads it. "7D", "12h", "30m", "10s"; not "0D", "1.5h", "10" or "1d".
 */
public final class MaxAge {
    private static final Pattern FORM = Pattern.compile("([0-9]+)([YMDhms])");

    private MaxAge() {
    }

    /** The age in milliseconds, or -1 when the text is not an age RabbitMQ accepts. */
    public static long millis(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException tooLong) {
            return -1;
        }
        if (value <= 0) {
            return -1;
        }
        long unit = switch (m.group(2)) {
            case "Y" -> 365L * 24 * 3600 * 1000;
            case "M" -> 30L * 24 * 3600 * 1000;
            case "D" -> 24L * 3600 * 1000;
            case "h" -> 3600L * 1000;
            case "m" -> 60L * 1000;
            default -> 1000L;
        };
        try {
            return Math.multiplyExact(value, unit);
        } catch (ArithmeticException tooLong) {
            return -1;
        }
    }
}
