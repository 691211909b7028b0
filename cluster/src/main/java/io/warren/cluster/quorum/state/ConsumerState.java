package io.warren.cluster.quorum.state;

import java.util.LinkedHashMap;

/** One consumer of a queue (or a basic.get caller): its terms, its status and what it has checked out. */
final class ConsumerState {
    /** Where the consumer stands. */
    enum Status {
        /** Receives messages while it has credit. */
        ACTIVE,
        /** Single active consumer: registered, waiting for its turn. */
        WAITING,
        /** Cancelled, still holding unacknowledged messages. */
        CANCELLED,
        /** A basic.get caller holding messages; never pushed to. */
        GETTER
    }

    final ConsumerKey key;
    int prefetch;
    final int priority;
    final boolean exclusive;
    final boolean noAck;
    Status status;
    /** When it last received, by the queue's service clock: equals take turns, least recently served first. */
    long lastServed;
    /** msgId to message, in checkout order. */
    final LinkedHashMap<Long, MessageRef> checkedOut = new LinkedHashMap<>();

    ConsumerState(ConsumerKey key, int prefetch, int priority, boolean exclusive, boolean noAck, Status status,
                  long lastServed) {
        this.key = key;
        this.prefetch = prefetch;
        this.priority = priority;
        this.exclusive = exclusive;
        this.noAck = noAck;
        this.status = status;
        this.lastServed = lastServed;
    }

    /** True when it may take one more message now. */
    boolean hasCredit() {
        return status == Status.ACTIVE && (noAck || prefetch == 0 || checkedOut.size() < prefetch);
    }

    /** True when nothing keeps it: cancelled or a getter, with nothing checked out. */
    boolean finished() {
        return (status == Status.CANCELLED || status == Status.GETTER) && checkedOut.isEmpty();
    }

    long checkedOutBytes() {
        long b = 0;
        for (MessageRef m : checkedOut.values()) {
            b += m.size;
        }
        return b;
    }
}
