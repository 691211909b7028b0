package io.warren.broker.queue;

/** The per-message TTL of the expiration property: milliseconds as a decimal string. */
public final class Expiration {
    private Expiration() {
    }

    /** The TTL in ms, or -1 when the text is not a non-negative integer (RabbitMQ refuses such a publish). */
    public static long parse(String expiration) {
        if (expiration == null || expiration.isEmpty() || expiration.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < expiration.length(); i++) {
            char c = expiration.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
