package io.warren.cluster.quorum.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.state.QueueConfig.DeadLetterStrategy;
import io.warren.cluster.quorum.state.QueueConfig.Overflow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Command batches survive the trip to bytes and back, stay small, and bad bytes are told apart clearly. */
class CommandCodecTest {
    private static final QueueKey Q = new QueueKey("prod", "orders.ünïcode");
    private static final ConsumerKey C = new ConsumerKey("node-2", 1_733_000_000_000L, 42);
    private static final QueueConfig FULL = new QueueConfig(1_000, 1 << 20, Overflow.REJECT_PUBLISH, -1, true,
            DeadLetterStrategy.AT_LEAST_ONCE, 60_000, true);

    /** One of each command, with edge values. */
    static List<Command> everyCommand() {
        return List.of(
                new Command.AttachQueue(Q, 17, FULL),
                new Command.AttachQueue(Q, 0, QueueConfig.DEFAULT),
                new Command.ConfigureQueue(Q, 18, QueueConfig.DEFAULT),
                new Command.DetachQueue(Q, 19),
                new Command.Enqueue(new Origin("node-1", 99), 123_456_789L, Q, 4_096, 9, 1_500, 1_733_000_000_123L),
                new Command.Enqueue(new Origin("node-1", 99), 1, Q, 0, 0, -1, 0),
                new Command.Checkout(Q, C, 250, -3, true, false),
                new Command.Checkout(Q, C, 0, 0, false, true),
                new Command.Cancel(Q, C, true),
                new Command.Cancel(Q, C, false),
                new Command.Settle(Q, C, List.of(5L, 6L, 7L, 3L, Long.MAX_VALUE)),
                new Command.Settle(Q, C, List.of()),
                new Command.Return(Q, C, List.of(9L, 1L), true),
                new Command.Return(Q, C, List.of(2L), false),
                new Command.Discard(Q, C, List.of(11L)),
                new Command.Dequeue(Q, C, true),
                new Command.Dequeue(Q, C, false),
                new Command.Purge(Q),
                new Command.Tick(Long.MAX_VALUE),
                new Command.Tick(-5),
                new Command.NodeDown("node-3"),
                new Command.Touch(Q),
                new Command.DeadLetterSettle(Q, List.of(100L, 101L)));
    }

    @Test
    void everyCommandComesBackEqual() {
        for (Command c : everyCommand()) {
            assertEquals(CommandBatch.of(c), CommandCodec.decode(CommandCodec.encode(CommandBatch.of(c))),
                    c.toString());
        }
        CommandBatch all = new CommandBatch(everyCommand());
        assertEquals(all, CommandCodec.decode(CommandCodec.encode(all)));
        assertEquals(all, CommandCodec.decode(ByteBuffer.wrap(CommandCodec.encode(all))));
    }

    @Test
    void aBatchNamesEachQueueAndNodeOnceSoAPublishCostsAFewBytes() {
        List<Command> publishes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            publishes.add(new Command.Enqueue(new Origin("node-1", 7), i, Q, 1_000, 0, -1, 1_733_000_000_000L + i));
        }
        byte[] bytes = CommandCodec.encode(new CommandBatch(publishes));
        assertTrue(bytes.length < 1_000 * 12, "1000 enqueues took " + bytes.length + " bytes");
    }

    @Test
    void aTruncatedBatchIsRefusedWithAClearReason() {
        byte[] bytes = CommandCodec.encode(new CommandBatch(everyCommand()));
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] part = Arrays.copyOf(bytes, cut);
            CorruptStateException e = assertThrows(CorruptStateException.class, () -> CommandCodec.decode(part),
                    "cut at " + cut);
            assertTrue(e.getMessage().startsWith("cannot read this command batch: "), e.getMessage());
        }
    }

    @Test
    void anUnknownVersionOrTagIsRefused() {
        byte[] bytes = CommandCodec.encode(CommandBatch.of(new Command.Purge(Q)));
        byte[] version = bytes.clone();
        version[0] = 9;
        assertTrue(assertThrows(CorruptStateException.class, () -> CommandCodec.decode(version)).getMessage()
                .contains("version 9"));
        byte[] tag = CommandCodec.encode(CommandBatch.of(new Command.Tick(1)));
        tag[tag.length - 2] = 77; // the tick's tag, before its time (a difference of 1: one byte)
        assertTrue(assertThrows(CorruptStateException.class, () -> CommandCodec.decode(tag)).getMessage()
                .contains("unknown command tag 77"));
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] bytes = CommandCodec.encode(CommandBatch.of(new Command.Purge(Q)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(CorruptStateException.class, () -> CommandCodec.decode(longer));
    }
}
