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
    // of the settled entries, those the queue counted as holding their body in memory (see UnackedPaging)
    private int settledHeld;
    private long settledHeldBytes;
    private List<QueueEntry> settledLogged;
    private List<QueueEntry> rejected;
    // per message, only once some message has a confirm tag: its barrier and tag, for a refusal's nack
    private PublishBarrier[] confirmBarriers;
    private long[] confirmTags;
    // kept only for a deduplicating queue: every settled entry, whose value it must forget
    private final boolean keepSettled;
    private List<QueueEntry> settledEntries;

    public QueueWork() {
        this(false);
    }

    /** keepSettled: the queue deduplicates, and needs every settled entry. */
    public QueueWork(boolean keepSettled) {
        this.keepSettled = keepSettled;
    }

    /** Takes over one reference of the message; barrier (or null) waits for it to reach disk. */
    public void publish(Message m, PublishBarrier barrier) {
        publish(m, barrier, 0);
    }

    /**
     * Takes over one reference of the message; barrier (or null) waits for it to reach disk, and tag (0 if none) is
     * its publisher-confirm sequence number, nacked should the queue refuse it.
     */
    public void publish(Message m, PublishBarrier barrier, long tag) {
        if (messages == null) {
            messages = new ArrayList<>();
        }
        messages.add(m);
        if (barrier != null) {
            holdFor(barrier);
            if (tag != 0) {
                rememberTag(messages.size() - 1, barrier, tag);
            }
        }
    }

    private void rememberTag(int index, PublishBarrier barrier, long tag) {
        if (confirmTags == null || confirmTags.length <= index) {
            int size = Math.max(16, index * 2);
            confirmTags = confirmTags == null ? new long[size] : java.util.Arrays.copyOf(confirmTags, size);
            confirmBarriers = confirmBarriers == null ? new PublishBarrier[size]
                    : java.util.Arrays.copyOf(confirmBarriers, size);
        }
        confirmTags[index] = tag;
        confirmBarriers[index] = barrier;
    }

    /** The queue refused the message at index (it is full): its publisher hears a nack. */
    public void refuse(int index) {
        if (confirmTags != null && index < confirmTags.length && confirmTags[index] != 0) {
            confirmBarriers[index].refuse(confirmTags[index]);
        }
    }

    /** A delivery rejected without requeue: the queue dead-letters or drops it; takes the message reference. */
    public void reject(QueueEntry entry) {
        if (rejected == null) {
            rejected = new ArrayList<>();
        }
        rejected.add(entry);
    }

    /** Deliveries rejected without requeue, or null; the caller takes them over (this no longer releases them). */
    public List<QueueEntry> takeRejected() {
        List<QueueEntry> r = rejected;
        rejected = null;
        return r;
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
        int held = entry.heldBytes();
        if (held >= 0) {
            settledHeld++;
            settledHeldBytes += held;
        }
        if (keepSettled) {
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

    public List<Message> messages() {
        return messages;
    }

    public int barrierCount() {
        return barriers == null ? 0 : barriers.size();
    }

    public PublishBarrier barrier(int i) {
        return barriers.get(i);
    }

    public int holds(int i) {
        return barrierHolds[i];
    }

    public int settledCount() {
        return settled;
    }

    /** How many settled entries the queue counted as held in memory, and their body bytes. */
    public int settledHeld() {
        return settledHeld;
    }

    public long settledHeldBytes() {
        return settledHeldBytes;
    }

    /** Every settled entry (with keepSettled), or null. */
    public List<QueueEntry> settledEntries() {
        return settledEntries;
    }

    /** Settled entries whose record is in the queue's log and must be acked there; null when none. */
    public List<QueueEntry> settledLogged() {
        return settledLogged;
    }

    /** Releases everything: the connection went away before the queue got the work, or the queue was deleted. */
    public void discard() {
        drop(null);
    }

    /** Releases everything, failing the barriers: the messages were not taken (the broker is stopping). */
    public void fail(IOException cause) {
        drop(cause);
    }

    private void drop(IOException cause) {
        if (messages != null) {
            messages.forEach(Message::release);
        }
        if (rejected != null) {
            rejected.forEach(QueueEntry::releaseMessage);
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
