package io.warren.broker.channel;

/**
 * The broker-wide delivery acknowledgement timeout (RabbitMQ's consumer_timeout) and how often channels check it
 * (RabbitMQ's channel_tick_interval).
 *
 * @param timeoutMillis       how long a delivery may stay unacknowledged on a channel whose queue sets no timeout of
 *                            its own (x-consumer-timeout, policy consumer-timeout); negative: no limit
 * @param checkIntervalMillis how often each connection checks its channels' oldest unacknowledged delivery; a
 *                            delivery is found overdue up to about two intervals after its timeout, never before
 */
public record ConsumerTimeoutSettings(long timeoutMillis, long checkIntervalMillis) {
    /** RabbitMQ's defaults: 30 minutes, checked every minute. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 1_800_000;
    public static final long DEFAULT_CHECK_INTERVAL_MILLIS = 60_000;

    public ConsumerTimeoutSettings {
        if (checkIntervalMillis <= 0) {
            throw new IllegalArgumentException("the consumer timeout check interval must be positive, got "
                    + checkIntervalMillis + " ms");
        }
    }

    public static ConsumerTimeoutSettings defaults() {
        return new ConsumerTimeoutSettings(DEFAULT_TIMEOUT_MILLIS, DEFAULT_CHECK_INTERVAL_MILLIS);
    }

    public boolean enabled() {
        return timeoutMillis >= 0;
    }
}
