package io.warren.broker.queue.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.warren.broker.message.Message;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadyMessagesTest {
    private static QueueEntry entry(long sequence, int size) {
        return new QueueEntry(new Message("", "k", Unpooled.buffer(0), Unpooled.wrappedBuffer(new byte[size])),
                sequence);
    }

    private static List<Long> drain(ReadyMessages ready) {
        List<Long> out = new ArrayList<>();
        QueueEntry e;
        while ((e = ready.poll()) != null) {
            out.add(e.sequence());
        }
        return out;
    }

    @Test
    void requeuedEntriesReturnToTheirOriginalPlaceAmongNewerOnes() {
        ReadyMessages ready = new ReadyMessages();
        for (long s = 0; s < 6; s++) {
            ready.add(entry(s, 1));
        }
        QueueEntry first = ready.poll();
        QueueEntry second = ready.poll();
        ready.poll();
        QueueEntry fourth = ready.poll();
        ready.add(entry(6, 1));
        ready.putBack(fourth);
        ready.putBack(first);
        ready.putBack(second);
        assertEquals(List.of(0L, 1L, 3L, 4L, 5L, 6L), drain(ready));
        assertNull(ready.poll());
    }

    @Test
    void sizeAndBytesCountBothNewAndRequeuedEntries() {
        ReadyMessages ready = new ReadyMessages();
        ready.add(entry(0, 10));
        ready.add(entry(1, 20));
        QueueEntry e = ready.poll();
        assertEquals(20, ready.bytes());
        ready.putBack(e);
        assertEquals(2, ready.size());
        assertEquals(30, ready.bytes());
        List<Long> released = new ArrayList<>();
        ready.clear(x -> released.add(x.sequence()));
        assertEquals(List.of(0L, 1L), released);
        assertEquals(0, ready.size());
        assertEquals(0, ready.bytes());
    }
}
