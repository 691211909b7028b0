package io.warren.broker.queue;

import io.warren.broker.message.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What one connection's read batch brings a queue: new messages, and deliveries finished with. */
public final class QueueWork {
    private List<Message> messages;
    private List<PublishBarrier> barriers;
    private int[] barrierHolds;
    private int settled;
    private List<QueueEntry> settledLogged;
    // kept only for a deduplicating queue: each message's barrier (to nack one duplicate) and every settled entry
    private final boolean perMessage;
    private List<PublishBarrier> barrierOfMessage;
    private List<QueueEntry> settledEntries;

    public QueueWork() {
        this(false);
    }

    /** perMessage: the queue deduplicates, and needs each message's barrier and every settled entry. */
    public QueueWork(boolean perMessage) {
        this.perMessage = perMessage;
    }

    /** Takes over one reference of the message; barrier (or null) waits for it to reach disk. */
    public void publish(Message m, PublishBarrier barrier) {
        if (messages == null) {
            messages = new ArrayList<>();
        }
        messages.add(m);
        if (barrier != null) {
            holdFor(barrier);
        }
        if (perMessage) {
            if (barrierOfMessage == null) {
                barrierOfMessage = new ArrayList<>();
            }
            barrierOfMessage.add(barrier);
        }
    }

    /** The barrier message i waits with (a confirming publisher's), or null; known only with perMessage. */
    PublishBarrier barrierOf(int i) {
        return barrierOfMessage == null ? null : barrierOfMessage.get(i);
    }

    // a batch usually comes from one channel: one barrier, counted up
    private void holdFor(PublishBarrier barrier) {
        if (barriers == null) {
            barriers = new ArrayList<>(1);
            barrierHolds = new int[1];
        }
        int last = barriers.size() - 1;
        if (last >= 0 && barriers.get(last) == barrier) {
            barrierHolds[last]++;
            return;
        }
        for (int i = 0; i < last; i++) {
            if (barriers.get(i) == barrier) {
                barrierHolds[i]++;
                return;
            }
        }
        barriers.add(barrier);
        if (barrierHolds.length < barriers.size()) {
            barrierHolds = java.util.Arrays.copyOf(barrierHolds, barriers.size() * 2);
        }
        barrierHolds[barriers.size() - 1] = 1;
    }

    public void settle(QueueEntry entry) {
        settled++;
        if (perMessage) {
            if (settledEntries == null) {
                settledEntries = new ArrayList<>();
            }
            settledEntries.add(entry);
        }
        if (entry.logged()) {
            if (settledLogged == null) {
                settledLogged = new ArrayList<>();
            }
            settledLogged.add(entry);
        }
    }

    List<Message> messages() {
        return messages;
    }

    int barrierCount() {
        return barriers == null ? 0 : barriers.size();
    }

    PublishBarrier barrier(int i) {
        return barriers.get(i);
    }

    int holds(int i) {
        return barrierHolds[i];
    }

    int settledCount() {
        return settled;
    }

    /** Every settled entry (with perMessage), or null. */
    List<QueueEntry> settledEntries() {
        return settledEntries;
    }

    /** Settled entries whose record is in the queue's log and must be acked there; null when none. */
    List<QueueEntry> settledLogged() {
        return settledLogged;
    }

    /** Releases everything: the connection went away before the queue got the work, or the queue was deleted. */
    public void discard() {
        drop(null);
    }

    /** Releases everything, failing the barriers: the messages were not taken (the broker is stopping). */
    void fail(IOException cause) {
        drop(cause);
    }

    private void drop(IOException cause) {
        if (messages != null) {
            messages.forEach(Message::release);
        }
        for (int i = 0; i < barrierCount(); i++) {
            if (cause == null) {
                barriers.get(i).release(barrierHolds[i]);
            } else {
                barriers.get(i).fail(barrierHolds[i], cause);
            }
        }
    }
}
