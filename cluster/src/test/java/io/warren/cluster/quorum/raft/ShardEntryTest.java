package io.warren.cluster.quorum.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.CorruptStateException;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class ShardEntryTest {
    private static final QueueKey Q = new QueueKey("/", "q");
    private static final Origin O = new Origin("a", 1);
    private static final ConsumerKey C = new ConsumerKey("a", 1, 9);

    @Test
    void anEntryCarriesTheLeaderTimeTheBatchAndOneBodyPerEnqueueInOrder() {
        CommandBatch batch = CommandBatch.of(new Command.Enqueue(O, 1, Q, 3, 0, -1, 0),
                new Command.Settle(Q, C, List.of(4L)), new Command.Enqueue(O, 2, Q, 5, 0, -1, 0));
        ByteString logged = ShardEntry.stamp(1234, ShardEntry.encode(batch, List.of(utf8("one"), utf8("three"))));
        ShardEntry e = ShardEntry.parse(logged);
        assertEquals(1234, e.leaderTime());
        assertEquals(batch, e.batch());
        assertEquals(List.of("one", "three"), e.bodies().stream().map(ByteString::toStringUtf8).toList());
    }

    @Test
    void aBodyCountThatDoesNotMatchTheEnqueuesIsRefusedAtTheSubmitter() {
        CommandBatch batch = CommandBatch.of(new Command.Enqueue(O, 1, Q, 3, 0, -1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardEntry.encode(batch, List.of()));
        assertTrue(e.getMessage().contains("1 enqueues but 0 bodies"), e.getMessage());
    }

    @Test
    void aTruncatedEntryIsCorruptNamingWhatIsMissing() {
        CommandBatch batch = CommandBatch.of(new Command.Enqueue(O, 1, Q, 3, 0, -1, 0));
        ByteString whole = ShardEntry.stamp(1, ShardEntry.encode(batch, List.of(utf8("abc"))));
        CorruptStateException e = assertThrows(CorruptStateException.class,
                () -> ShardEntry.parse(whole.substring(0, whole.size() - 2)));
        assertTrue(e.getMessage().contains("body of 3 bytes"), e.getMessage());
        assertThrows(CorruptStateException.class, () -> ShardEntry.parse(whole.substring(0, 10)));
    }

    @Test
    void theReplyKeepsWhatTheSubmitterNeedsWithDequeuedBodies() {
        List<Effect> effects = List.of(new Effect.Enqueued(Q, O, 1, 10), new Effect.Deliver(Q, C, 10, false, 0),
                new Effect.EnqueueRefused(Q, O, 2, "reject-publish"), new Effect.EnqueueDuplicate(Q, O, 1),
                new Effect.Dequeued(Q, C, 10, true, 2, 7), new Effect.DequeueEmpty(Q, C),
                new Effect.Dropped(Q, 3, DeathReason.MAXLEN), new Effect.Purged(Q, 4),
                new Effect.ConsumerRefused(Q, C, "exclusive"));
        ShardReply reply = ShardReply.decode(ShardReply.encode(effects, Map.of(10L, utf8("body"))));
        assertEquals(effects.stream().filter(ShardReply::forSubmitter).toList(), reply.effects());
        assertEquals(7, reply.effects().size());
        assertEquals(utf8("body"), reply.dequeuedBody(10));
        assertNull(reply.dequeuedBody(11));
    }

    @Test
    void aRefusedEntryIsToldToTheSubmitter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardReply.decode(ShardReply.refusedEntry("version 9 is not 1")));
        assertTrue(e.getMessage().contains("version 9 is not 1"), e.getMessage());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
