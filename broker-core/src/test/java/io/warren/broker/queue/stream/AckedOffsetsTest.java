package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AckedOffsetsTest {
    /** Offsets 100.. delivered under tags 1.. */
    private static AckedOffsets deliveredFrom100(int count) {
        AckedOffsets a = new AckedOffsets(100);
        for (int i = 0; i < count; i++) {
            a.delivered(i + 1, 100 + i);
        }
        return a;
    }

    @Test
    void beforeAnythingIsDeliveredTheStartIsSafe() {
        assertEquals(100, new AckedOffsets(100).safeOffset());
    }

    @Test
    void aDeliveredButUnackedMessageHoldsTheOffset() {
        AckedOffsets a = deliveredFrom100(3);
        assertEquals(100, a.safeOffset());
        assertEquals(3, a.outstanding());
    }

    @Test
    void acksInOrderAdvanceTheOffsetPastEachAckedMessage() {
        AckedOffsets a = deliveredFrom100(3);
        a.settle(1, false);
        assertEquals(101, a.safeOffset());
        a.settle(2, false);
        a.settle(3, false);
        assertEquals(103, a.safeOffset());
        assertEquals(0, a.outstanding());
    }

    @Test
    void anOutOfOrderAckDoesNotSkipTheUnackedMessageBeforeIt() {
        AckedOffsets a = deliveredFrom100(5);
        a.settle(3, false);
        a.settle(5, false);
        assertEquals(100, a.safeOffset());
        a.settle(1, false);
        assertEquals(101, a.safeOffset());
        a.settle(2, false);
        assertEquals(103, a.safeOffset()); // 102 acked, 103 still out
        a.settle(4, false);
        assertEquals(105, a.safeOffset());
    }

    @Test
    void multipleSettlesEveryOutstandingTagUpToTheOneNamed() {
        AckedOffsets a = deliveredFrom100(5);
        a.settle(3, true);
        assertEquals(103, a.safeOffset());
        assertEquals(2, a.outstanding());
        a.settle(0, true); // tag 0 with multiple: everything
        assertEquals(105, a.safeOffset());
    }

    @Test
    void unknownOrRepeatedTagsChangeNothing() {
        AckedOffsets a = deliveredFrom100(2);
        a.settle(1, false);
        a.settle(1, false);
        a.settle(99, false);
        assertEquals(101, a.safeOffset());
        assertEquals(1, a.outstanding());
    }

    @Test
    void aRequeuedMessageHoldsTheOffsetUntilItsRedeliveryIsAcked() {
        AckedOffsets a = deliveredFrom100(3);
        a.requeue(1, false);
        a.settle(2, false);
        a.settle(3, false);
        assertEquals(100, a.safeOffset());
        a.delivered(4, 100); // redelivered under a new tag
        assertEquals(100, a.safeOffset());
        a.settle(4, false);
        assertEquals(103, a.safeOffset());
    }

    @Test
    void aMultipleAckOfAnEarlierTagDoesNotSettleARedeliveryUnderALaterOne() {
        AckedOffsets a = deliveredFrom100(2);  // 100 as tag 1, 101 as tag 2
        a.requeue(1, false);
        a.delivered(3, 100);                   // 100 again, as tag 3
        a.settle(2, true);                     // covers tags 1..2 only
        assertEquals(100, a.safeOffset());
        a.settle(3, false);
        assertEquals(102, a.safeOffset());
    }

    @Test
    void multipleRequeuesHoldEveryOffsetTheyCover() {
        AckedOffsets a = deliveredFrom100(4);
        a.requeue(2, true);
        a.settle(3, false);
        a.settle(4, false);
        assertEquals(100, a.safeOffset());
        a.delivered(5, 100);
        a.settle(5, false);
        assertEquals(101, a.safeOffset());
        a.delivered(6, 101);
        a.settle(6, false);
        assertEquals(104, a.safeOffset());
    }

    @Test
    void whateverTheAckOrderTheSafeOffsetIsTheLowestUnackedOffset() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(30);
            AckedOffsets a = deliveredFrom100(n);
            List<Integer> tags = new ArrayList<>();
            for (int t = 1; t <= n; t++) {
                tags.add(t);
            }
            Collections.shuffle(tags, random);
            boolean[] acked = new boolean[n];
            for (int tag : tags) {
                a.settle(tag, false);
                acked[tag - 1] = true;
                int lowest = 0;
                while (lowest < n && acked[lowest]) {
                    lowest++;
                }
                assertEquals(100 + lowest, a.safeOffset());
            }
        }
    }
}
