package io.warren.cluster.quorum.state;

import static io.warren.cluster.quorum.state.Fixture.Q;
import static io.warren.cluster.quorum.state.Fixture.config;
import static io.warren.cluster.quorum.state.Fixture.consumer;
import static io.warren.cluster.quorum.state.Fixture.consumerOn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.state.QueueConfig.DeadLetterStrategy;
import io.warren.cluster.quorum.state.QueueConfig.Overflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the leader reads to drive time: when a tick would next expire a message ({@code nextExpiry}), and since
 * when each queue without consumers has been unused ({@code unusedSince}, for x-expires). Reading changes nothing.
 */
class ExpiryFactsTest {
    private static final QueueKey OTHER = new QueueKey("/", "other");
    private final Fixture f = new Fixture();

    private static QueueConfig ttl(long ms) {
        return config(-1, -1, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, ms, false);
    }

    @Test
    void nothingExpiresWithoutATtl() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        assertEquals(Long.MAX_VALUE, f.state.nextExpiry());
        assertEquals(Long.MAX_VALUE, new ShardState().nextExpiry());
    }

    @Test
    void aTickAtTheDueTimeExpiresTheHeadAndOneBeforeDoesNot() {
        f.attach(ttl(500));
        f.publish(1); // at 1000
        assertEquals(1_501, f.state.nextExpiry());
        assertTrue(f.tick(1_500).isEmpty());
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.EXPIRED)), f.tick(f.state.nextExpiry()));
        assertEquals(Long.MAX_VALUE, f.state.nextExpiry());
    }

    @Test
    void theEarliestOfTheLaneHeadsCountsNotAShorterTtlBehindTheHead() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(10, 0, 1_000); // normal lane head: due after 2000
        f.publish(10, 0, 10); // behind it: only heads expire, as in RabbitMQ
        assertEquals(2_001, f.state.nextExpiry());
        f.time = 1_200;
        f.publish(10, 9, 100); // high lane head: due after 1300
        assertEquals(1_301, f.state.nextExpiry());
        assertEquals(List.of(new Effect.Dropped(Q, 3, DeathReason.EXPIRED)), f.tick(1_301));
        assertEquals(2_001, f.state.nextExpiry());
    }

    @Test
    void theEarliestAmongTheShardsQueues() {
        f.attach(ttl(900));
        f.state.apply(new Command.AttachQueue(OTHER, 2, ttl(300)));
        f.publish(1);
        f.state.apply(new Command.Enqueue(Fixture.NODE_A, 99, OTHER, 10, 0, -1, 1_100));
        assertEquals(1_401, f.state.nextExpiry());
    }

    @Test
    void aCheckedOutMessageIsNotDueUntilItComesBack() {
        f.attach(ttl(500));
        f.publish(1);
        f.consume(consumer(1), 1);
        assertEquals(Long.MAX_VALUE, f.state.nextExpiry());
        f.giveBack(consumer(1), 1L);
        // the consumer takes it again at once; cancelled first, it stays ready with its old time
        f.state.apply(new Command.Cancel(Q, consumer(1), true));
        assertEquals(1_501, f.state.nextExpiry());
    }

    @Test
    void aQueueIsUnusedSinceItsDeclarationUntilSomeoneConsumes() {
        f.state.passTime(5_000);
        f.attach(QueueConfig.DEFAULT);
        assertEquals(Map.of(Q, 5_000L), f.state.unusedSince());
        f.state.passTime(6_000);
        f.consume(consumer(1), 1);
        assertTrue(f.state.unusedSince().isEmpty(), "a queue with a consumer is in use");
        f.state.passTime(7_000);
        f.publish(1); // publishing is no use (as in RabbitMQ); the consumer is still there
        assertTrue(f.state.unusedSince().isEmpty());
        f.state.passTime(8_000);
        f.state.apply(new Command.Cancel(Q, consumer(1), false)); // still holds the message: no consumer though
        assertEquals(Map.of(Q, 8_000L), f.state.unusedSince());
    }

    @Test
    void aGetADeclarationAndANodeLossCountAsUseAPublishDoesNot() {
        f.attach(QueueConfig.DEFAULT);
        f.state.passTime(2_000);
        f.state.apply(new Command.Dequeue(Q, consumer(0), true));
        assertEquals(Map.of(Q, 2_000L), f.state.unusedSince());
        f.state.passTime(3_000);
        f.state.apply(new Command.Touch(Q));
        assertEquals(Map.of(Q, 3_000L), f.state.unusedSince());
        f.time = 4_000;
        f.publish(1);
        assertEquals(Map.of(Q, 3_000L), f.state.unusedSince());
        f.consume(consumerOn("b", 1), 0);
        f.state.passTime(5_000);
        f.state.apply(new Command.NodeDown("b"));
        assertEquals(Map.of(Q, 5_000L), f.state.unusedSince());
        assertTrue(f.state.apply(new Command.Touch(OTHER)).isEmpty(), "a queue the shard lacks ignores it");
    }

    @Test
    void timeNeverRunsBackwards() {
        f.state.passTime(5_000);
        f.state.passTime(4_000);
        f.attach(QueueConfig.DEFAULT);
        assertEquals(5_000, f.state.time());
        assertEquals(Map.of(Q, 5_000L), f.state.unusedSince());
    }

    @Test
    void readingChangesNothingAndTheLastUseSurvivesASnapshot() {
        f.state.passTime(1_234);
        f.attach(ttl(500));
        f.publish(2);
        byte[] before = SnapshotCodec.encode(f.state);
        f.state.nextExpiry();
        f.state.unusedSince();
        assertArrayEquals(before, SnapshotCodec.encode(f.state));
        ShardState back = SnapshotCodec.decode(before);
        assertEquals(f.state.unusedSince(), back.unusedSince());
        assertEquals(f.state.nextExpiry(), back.nextExpiry());
        assertFalse(back.unusedSince().isEmpty());
    }

    @Test
    void aSnapshotOfTheFirstVersionReadsAsLastUsedAtItsTime() {
        f.state.passTime(1_000);
        f.attach(ttl(500));
        f.publish(2);
        f.state.passTime(9_000);
        ShardState back = SnapshotCodec.decode(SnapshotCodec.encode(f.state, 1));
        assertEquals(Map.of(Q, 9_000L), back.unusedSince());
        assertEquals(f.state.nextExpiry(), back.nextExpiry());
        assertEquals(2, back.counts(Q).ready());
    }
}
