package io.warren.broker.queue.classic;

import io.warren.broker.queue.MessageRecord;
import io.warren.broker.queue.QueueEntry;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the messages of paged-out unacked entries (see {@link UnackedPaging}) back from their queue's log, where
 * their records stay live until they are acked. Owned by the queue's thread.
 */
final class LoggedBodies {
    /** Records asked of the log per read: the entries wanted are mostly consecutive live records. */
    private static final int READ_CHUNK = 1024;

    private final MessageRecord.NameCache names = new MessageRecord.NameCache();

    /**
     * Gives each entry of sorted (paged out, in position order) its message from the log. Returns those whose
     * record is gone (they stay without a message), an empty list when every one was found.
     */
    List<QueueEntry> readBack(QueueLog log, List<QueueEntry> sorted) throws IOException {
        int n = sorted.size();
        int[] at = {0};
        List<QueueEntry> lost = new ArrayList<>(0);
        if (log == null) {
            lost.addAll(sorted);
            return lost;
        }
        while (at[0] < n) {
            int want = Math.min(READ_CHUNK, n - at[0]);
            int got = log.read(sorted.get(at[0]).sequence(), want, Long.MAX_VALUE, (seq, persistent, delivered, payload) -> {
                // records come in ascending order: one wanted before this record is not in the log
                while (at[0] < n && sorted.get(at[0]).sequence() < seq) {
                    lost.add(sorted.get(at[0]++));
                }
                if (at[0] < n && sorted.get(at[0]).sequence() == seq) {
                    sorted.get(at[0]++).restore(MessageRecord.decode(payload, names));
                }
                // otherwise a live record of another entry (ready, or unacked elsewhere): skipped
            });
            if (got == 0) {
                while (at[0] < n) {
                    lost.add(sorted.get(at[0]++));
                }
            }
        }
        return lost;
    }
}
