package io.warren.broker.queue.quorum;

import io.warren.broker.queue.QueueSettings;

/**
 * What a quorum queue's own x-arguments ask for, once {@link QuorumDeclareRules} accepted them: its lifecycle
 * settings (TTL, expiry, dead-lettering, length limits) and the settings only quorum queues have. Policies are not
 * merged in here.
 *
 * @param lifecycle         message TTL, x-expires, dead-letter exchange and key, length limits (-1: not set); its
 *                          overflow is the one in effect (never reject-publish-dlx), and its delivery limit is
 *                          x-delivery-limit, {@link QuorumDeclareRules#DEFAULT_DELIVERY_LIMIT} when absent, -1 for no
 *                          limit (RabbitMQ 4 takes any negative value as none)
 * @param initialGroupSize  x-quorum-initial-group-size, or -1 when the cluster's default applies
 * @param deadLetterStrategy x-dead-letter-strategy
 * @param leaderLocator     x-queue-leader-locator, or null
 */
public record QuorumSettings(QueueSettings lifecycle, int initialGroupSize, DeadLetterStrategy deadLetterStrategy,
                             String leaderLocator) {
    /** How a quorum queue hands its dead letters on (x-dead-letter-strategy). */
    public enum DeadLetterStrategy {
        AT_MOST_ONCE("at-most-once"), AT_LEAST_ONCE("at-least-once");

        private final String argument;

        DeadLetterStrategy(String argument) {
            this.argument = argument;
        }

        /** The value of x-dead-letter-strategy that selects it. */
        public String argument() {
            return argument;
        }

        static DeadLetterStrategy of(String argument) {
            for (DeadLetterStrategy s : values()) {
                if (s.argument.equals(argument)) {
                    return s;
                }
            }
            return null;
        }
    }
}
