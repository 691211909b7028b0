package io.warren.broker.admin;

/** Broker-wide message totals since start, over all channels past and present. */
public record MessageTotalsView(long published, long confirmed, long returned, long delivered,
                                long deliveredNoAck, long got, long gotNoAck, long acked, long redelivered,
                                long rejected, long deadLettered) {
    /** Nothing yet: the totals of a node not heard from. */
    public static final MessageTotalsView ZERO = new MessageTotalsView(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** These totals and another node's added up. */
    public MessageTotalsView plus(MessageTotalsView o) {
        return new MessageTotalsView(published + o.published, confirmed + o.confirmed, returned + o.returned,
                delivered + o.delivered, deliveredNoAck + o.deliveredNoAck, got + o.got, gotNoAck + o.gotNoAck,
                acked + o.acked, redelivered + o.redelivered, rejected + o.rejected, deadLettered + o.deadLettered);
    }

    /** Deliveries and gets of every kind, RabbitMQ's deliver_get. */
    public long deliverGet() {
        return delivered + deliveredNoAck + got + gotNoAck;
    }
}
