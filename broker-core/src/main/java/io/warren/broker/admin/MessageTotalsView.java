package io.warren.broker.admin;

/** Broker-wide message totals since start, over all channels past and present. */
public record MessageTotalsView(long published, long confirmed, long returned, long delivered,
                                long deliveredNoAck, long got, long gotNoAck, long acked, long redelivered,
                                long rejected, long deadLettered) {
    /** Deliveries and gets of every kind, RabbitMQ's deliver_get. */
    public long deliverGet() {
        return delivered + deliveredNoAck + got + gotNoAck;
    }
}
