package io.warren.broker.alarm;

import io.warren.broker.ByteSize;

/**
 * Where the memory alarm goes off: a fraction of the JVM's memory budget (max heap plus max direct memory), like
 * RabbitMQ's vm_memory_high_watermark.relative, or an absolute number of bytes, like its .absolute.
 */
public sealed interface MemoryWatermark {
    /** The threshold in bytes, given the JVM's memory budget. */
    long limit(long budget);

    /** A fraction (0 to 1) of the budget; 0 keeps the alarm on, which blocks every publisher. */
    record Relative(double fraction) implements MemoryWatermark {
        public Relative {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("memory high watermark must be a fraction from 0 to 1, got "
                        + fraction);
            }
        }

        @Override
        public long limit(long budget) {
            return (long) (fraction * budget);
        }

        @Override
        public String toString() {
            return Double.toString(fraction);
        }
    }

    /** A number of bytes, whatever the budget. */
    record Absolute(long bytes) implements MemoryWatermark {
        public Absolute {
            if (bytes < 0) {
                throw new IllegalArgumentException("memory high watermark must not be negative, got " + bytes);
            }
        }

        @Override
        public long limit(long budget) {
            return bytes;
        }

        @Override
        public String toString() {
            return bytes + " bytes";
        }
    }

    static MemoryWatermark relative(double fraction) {
        return new Relative(fraction);
    }

    static MemoryWatermark absolute(long bytes) {
        return new Absolute(bytes);
    }

    /**
     * Reads "0.4" as a fraction and "2GiB" (anything with a unit) as an absolute size; a bare number above 1 is
     * refused, since it is unclear whether bytes were meant.
     */
    static MemoryWatermark parse(String text) {
        if (ByteSize.hasUnit(text)) {
            return absolute(ByteSize.parse(text));
        }
        double fraction;
        try {
            fraction = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("memory high watermark must be a fraction (0.4) or a size (2GiB), got '"
                    + text + "'");
        }
        if (fraction > 1) {
            throw new IllegalArgumentException("memory high watermark " + text
                    + " is above 1: give a fraction from 0 to 1, or a size with a unit (e.g. 2GiB)");
        }
        return relative(fraction);
    }
}
