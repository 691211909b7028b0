package io.warren.broker;

import java.util.Locale;

/**
 * Reads sizes written the way RabbitMQ's configuration accepts them: a plain number of bytes, or a number with a
 * unit, where kB/MB/GB/TB count in powers of 1000 and KiB/MiB/GiB/TiB (or k/m/g/t) in powers of 1024.
 */
public final class ByteSize {
    private ByteSize() {
    }

    /** The number of bytes the text means; throws IllegalArgumentException with a readable reason. */
    public static long parse(String text) {
        String t = text.trim();
        int end = 0;
        while (end < t.length() && (Character.isDigit(t.charAt(end)) || t.charAt(end) == '.')) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 50MB, 1GiB, 1048576)");
        }
        double number;
        try {
            number = Double.parseDouble(t.substring(0, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 50MB, 1GiB, 1048576)");
        }
        long multiplier = multiplier(t.substring(end).trim(), text);
        double bytes = number * multiplier;
        if (bytes >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return (long) bytes;
    }

    /** True if the text ends in a unit, i.e. names a size rather than a bare number. */
    public static boolean hasUnit(String text) {
        String t = text.trim();
        return !t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1));
    }

    private static long multiplier(String unit, String text) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kb" -> 1000L;
            case "mb" -> 1000L * 1000;
            case "gb" -> 1000L * 1000 * 1000;
            case "tb" -> 1000L * 1000 * 1000 * 1000;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "t", "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown unit '" + unit + "' in '" + text
                    + "' (use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)");
        };
    }
}
