package io.warren.broker.policy;

/**
 * What kind of entity a policy applies to, with RabbitMQ's labels: {@code classic_queues}, {@code quorum_queues}
 * and {@code streams} each fit their own queue type only, {@code queues} and {@code all} every queue.
 */
public enum ApplyTo {
    ALL("all"),
    QUEUES("queues"),
    EXCHANGES("exchanges"),
    CLASSIC_QUEUES("classic_queues"),
    QUORUM_QUEUES("quorum_queues"),
    STREAMS("streams");

    private final String label;

    ApplyTo(String label) {
        this.label = label;
    }

    /** The label as RabbitMQ writes it in its API and definitions. */
    public String label() {
        return label;
    }

    /** The value for a label; null (absent) means all, as in RabbitMQ. */
    public static ApplyTo parse(String label) {
        if (label == null) {
            return ALL;
        }
        for (ApplyTo a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        throw new PolicyException("apply-to '" + label + "' unrecognised; should be one of: 'queues', "
                + "'classic_queues', 'quorum_queues', 'streams', 'exchanges', or 'all'");
    }

    /** Whether a policy with this apply-to may apply to a (classic) queue. */
    public boolean fitsQueues() {
        return this == ALL || this == QUEUES || this == CLASSIC_QUEUES;
    }

    /** Whether a policy with this apply-to may apply to a stream. */
    public boolean fitsStreams() {
        return this == ALL || this == QUEUES || this == STREAMS;
    }

    /** Whether a policy with this apply-to may apply to a quorum queue. */
    public boolean fitsQuorumQueues() {
        return this == ALL || this == QUEUES || this == QUORUM_QUEUES;
    }

    public boolean fitsExchanges() {
        return this == ALL || this == EXCHANGES;
    }
}
