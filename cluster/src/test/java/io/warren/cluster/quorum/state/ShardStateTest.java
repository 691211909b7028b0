package io.warren.cluster.quorum.state;

import static io.warren.cluster.quorum.state.Fixture.NODE_A;
import static io.warren.cluster.quorum.state.Fixture.Q;
import static io.warren.cluster.quorum.state.Fixture.consumer;
import static io.warren.cluster.quorum.state.Fixture.consumerOn;
import static io.warren.cluster.quorum.state.Fixture.delivered;
import static io.warren.cluster.quorum.state.Fixture.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands of a quorum queue's state, one behaviour at a time: enqueue, consume, settle, return, get, purge. */
class ShardStateTest {
    private final Fixture f = new Fixture();

    @Test
    void anEnqueuedMessageIsConfirmedUnderTheQueuesNextMsgId() {
        f.attach(QueueConfig.DEFAULT);
        List<Effect> first = f.publish();
        List<Effect> second = f.publish();
        assertEquals(List.of(new Effect.Enqueued(Q, NODE_A, 1, 1)), first);
        assertEquals(List.of(new Effect.Enqueued(Q, NODE_A, 2, 2)), second);
        assertEquals(2, f.counts().ready());
        assertEquals(20, f.counts().readyBytes());
    }

    @Test
    void aConsumerReceivesReadyMessagesInOrderUpToItsPrefetch() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(5);
        List<Effect> fx = f.consume(consumer(1), 3);
        assertEquals(List.of(1L, 2L, 3L), delivered(fx));
        assertEquals(3, f.counts().unacked());
        assertEquals(2, f.counts().ready());
        assertTrue(delivered(f.publish()).isEmpty(), "no credit left");
    }

    @Test
    void settlingReleasesTheBodyAndGivesTheCreditBack() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        f.consume(consumer(1), 1);
        List<Effect> fx = f.settle(consumer(1), 1L);
        assertEquals(List.of(new Effect.Released(Q, 1), new Effect.Deliver(Q, consumer(1), 2, false, 0)), fx);
        assertEquals(List.of(2L), f.state.checkedOut(Q, consumer(1)));
    }

    @Test
    void settlingAMessageTheConsumerDoesNotHoldChangesNothing() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(2);
        f.consume(consumer(1), 1);
        assertTrue(f.settle(consumer(1), 2L).isEmpty());
        assertTrue(f.settle(consumer(9), 1L).isEmpty());
        assertEquals(1, f.counts().unacked());
    }

    @Test
    void aReturnedMessageGoesBackToItsPlace() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(4);
        f.consume(consumer(1), 2); // holds 1 and 2
        f.state.apply(new Command.Cancel(Q, consumer(1), false));
        f.giveBack(consumer(1), 2L, 1L);
        List<Effect> fx = f.consume(consumer(2), 0);
        assertEquals(List.of(1L, 2L, 3L, 4L), delivered(fx));
        List<Effect.Deliver> d = only(fx, Effect.Deliver.class);
        assertTrue(d.get(0).redelivered() && d.get(1).redelivered(), "returned ones are redelivered");
        assertEquals(1, d.get(0).deliveryCount());
        assertFalse(d.get(2).redelivered());
        assertEquals(0, d.get(2).deliveryCount());
    }

    @Test
    void aMessageReturnedWhileOthersAreOutComesBeforeEveryNeverDeliveredOne() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        f.consume(consumer(1), 1); // takes 1
        f.consume(consumer(2), 1); // takes 2
        List<Effect> fx = f.giveBack(consumer(2), 2L); // 2 goes back ahead of 3, and straight to consumer 2 again
        assertEquals(List.of(new Effect.Deliver(Q, consumer(2), 2, true, 1)), only(fx, Effect.Deliver.class));
    }

    @Test
    void aDiscardedMessageIsDeadLetteredAsRejectedWhenTheQueueHasADeadLetterExchange() {
        f.attach(Fixture.withDlx());
        f.publish(1);
        f.consume(consumer(1), 1);
        List<Effect> fx = f.discard(consumer(1), 1L);
        assertEquals(List.of(new Effect.DeadLetter(Q, 1, io.warren.broker.queue.DeathReason.REJECTED, false)), fx);
        assertEquals(0, f.counts().unacked());
    }

    @Test
    void aDiscardedMessageIsDroppedWithoutADeadLetterExchange() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(1);
        f.consume(consumer(1), 1);
        assertEquals(List.of(new Effect.Dropped(Q, 1, io.warren.broker.queue.DeathReason.REJECTED)),
                f.discard(consumer(1), 1L));
    }

    @Test
    void basicGetHandsOutTheHeadWithTheCountLeftBehind() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        ConsumerKey getter = consumer(7);
        List<Effect> fx = f.state.apply(new Command.Dequeue(Q, getter, false));
        assertEquals(List.of(new Effect.Dequeued(Q, getter, 1, false, 0, 2)), fx);
        assertEquals(1, f.counts().unacked());
        assertEquals(0, f.counts().consumers(), "a getter is not a consumer");
        assertEquals(List.of(new Effect.Released(Q, 1)), f.settle(getter, 1L));
        assertEquals(0, f.counts().unacked());
    }

    @Test
    void basicGetWithNoAckReleasesAtOnceAndAnEmptyQueueSaysEmpty() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(1);
        ConsumerKey getter = consumer(7);
        assertEquals(List.of(new Effect.Dequeued(Q, getter, 1, false, 0, 0), new Effect.Released(Q, 1)),
                f.state.apply(new Command.Dequeue(Q, getter, true)));
        assertEquals(List.of(new Effect.DequeueEmpty(Q, getter)), f.state.apply(new Command.Dequeue(Q, getter, true)));
    }

    @Test
    void aNoAckConsumerIsNeverShortOfCreditAndHoldsNothing() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        List<Effect> fx = f.state.apply(new Command.Checkout(Q, consumer(1), 1, 0, false, true));
        assertEquals(List.of(1L, 2L, 3L), delivered(fx));
        assertEquals(3, only(fx, Effect.Released.class).size());
        assertEquals(0, f.counts().unacked());
    }

    @Test
    void purgeDropsReadyMessagesAndLeavesCheckedOutOnes() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(4);
        f.consume(consumer(1), 1);
        List<Effect> fx = f.state.apply(new Command.Purge(Q));
        assertEquals(List.of(new Effect.Released(Q, 2), new Effect.Released(Q, 3), new Effect.Released(Q, 4),
                new Effect.Purged(Q, 3)), fx);
        assertEquals(0, f.counts().ready());
        assertEquals(1, f.counts().unacked());
    }

    @Test
    void aCancelledConsumerKeepsWhatItHoldsUntilItSettles() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        f.consume(consumer(1), 2);
        assertTrue(f.state.apply(new Command.Cancel(Q, consumer(1), false)).isEmpty());
        assertEquals(0, f.counts().consumers());
        assertEquals(2, f.counts().unacked());
        assertEquals(List.of(new Effect.Released(Q, 1)), f.settle(consumer(1), 1L), "nothing more delivered to it");
    }

    @Test
    void aClosedChannelsMessagesComeBackRedelivered() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(2);
        f.consume(consumer(1), 2);
        f.state.apply(new Command.Cancel(Q, consumer(1), true));
        assertEquals(2, f.counts().ready());
        assertEquals(List.of(new Effect.Deliver(Q, consumer(2), 1, true, 1), new Effect.Deliver(Q, consumer(2), 2,
                true, 1)), f.consume(consumer(2), 0));
    }

    @Test
    void anExclusiveConsumerKeepsOthersOutAndCannotJoinOthers() {
        f.attach(QueueConfig.DEFAULT);
        f.state.apply(new Command.Checkout(Q, consumer(1), 0, 0, true, false));
        assertEquals(List.of(new Effect.ConsumerRefused(Q, consumer(2), "exclusive use")), f.consume(consumer(2), 0));
        f.state.apply(new Command.Cancel(Q, consumer(1), false));
        f.consume(consumer(2), 0);
        assertEquals(List.of(new Effect.ConsumerRefused(Q, consumer(3), "exclusive use")),
                f.state.apply(new Command.Checkout(Q, consumer(3), 0, 0, true, false)));
    }

    @Test
    void nodeDownCancelsItsConsumersAndReturnsWhatTheyHeldRedelivered() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        f.consume(consumerOn("b", 1), 2);
        f.consume(consumerOn("c", 1), 0); // takes 3
        List<Effect> fx = f.state.apply(new Command.NodeDown("b"));
        assertEquals(List.of(new Effect.ConsumerCancelled(Q, consumerOn("b", 1), "node down"),
                new Effect.Deliver(Q, consumerOn("c", 1), 1, true, 1),
                new Effect.Deliver(Q, consumerOn("c", 1), 2, true, 1)), fx);
        assertEquals(1, f.counts().consumers());
    }

    @Test
    void aRepeatedOriginAndSequenceIsNotEnqueuedTwice() {
        f.attach(QueueConfig.DEFAULT);
        Command.Enqueue e = new Command.Enqueue(NODE_A, 5, Q, 10, 0, -1, 1_000);
        assertEquals(1, only(f.state.apply(e), Effect.Enqueued.class).size());
        assertEquals(List.of(new Effect.EnqueueDuplicate(Q, NODE_A, 5)), f.state.apply(e));
        assertEquals(List.of(new Effect.EnqueueDuplicate(Q, NODE_A, 4)),
                f.state.apply(new Command.Enqueue(NODE_A, 4, Q, 10, 0, -1, 1_000)), "an older one too");
        Origin restarted = new Origin("a", 2);
        assertEquals(1, only(f.state.apply(new Command.Enqueue(restarted, 5, Q, 10, 0, -1, 1_000)),
                Effect.Enqueued.class).size(), "the node's next run starts its own sequence");
        assertEquals(2, f.counts().ready());
    }

    @Test
    void anIdleOriginIsForgottenAfterTenMinutesOfLeaderTime() {
        f.attach(QueueConfig.DEFAULT);
        Command.Enqueue e = new Command.Enqueue(NODE_A, 1, Q, 10, 0, -1, 1_000);
        f.state.apply(e);
        f.tick(1_000 + ShardState.ORIGIN_IDLE_MS);
        assertTrue(f.state.origins().containsKey(NODE_A));
        f.tick(1_001 + ShardState.ORIGIN_IDLE_MS);
        assertFalse(f.state.origins().containsKey(NODE_A));
    }

    @Test
    void commandsForAQueueTheShardDoesNotHaveAreAnsweredNotApplied() {
        assertEquals(List.of(new Effect.EnqueueRefused(Q, NODE_A, 1, "no such queue")), f.publish());
        assertEquals(List.of(new Effect.ConsumerRefused(Q, consumer(1), "no such queue")), f.consume(consumer(1), 0));
        assertEquals(List.of(new Effect.DequeueEmpty(Q, consumer(1))),
                f.state.apply(new Command.Dequeue(Q, consumer(1), false)));
        assertEquals(List.of(new Effect.Purged(Q, 0)), f.state.apply(new Command.Purge(Q)));
        assertTrue(f.settle(consumer(1), 1L).isEmpty());
        assertNull(f.counts());
    }

    @Test
    void detachCancelsTheConsumersAndRemovesTheQueueButAStaleDetachDoesNot() {
        f.state.apply(new Command.AttachQueue(Q, 10, QueueConfig.DEFAULT));
        f.consume(consumer(1), 0);
        assertTrue(f.state.apply(new Command.DetachQueue(Q, 9)).isEmpty(), "a detach of an earlier queue");
        assertEquals(List.of(new Effect.ConsumerCancelled(Q, consumer(1), "queue deleted"),
                new Effect.QueueRemoved(Q)), f.state.apply(new Command.DetachQueue(Q, 10)));
        assertTrue(f.state.queueKeys().isEmpty());
    }

    @Test
    void attachingAgainAtTheSameIndexChangesNothing() {
        f.state.apply(new Command.AttachQueue(Q, 10, QueueConfig.DEFAULT));
        f.publish(2);
        f.state.apply(new Command.AttachQueue(Q, 10, Fixture.withDlx()));
        assertEquals(2, f.counts().ready());
        assertEquals(QueueConfig.DEFAULT, f.state.config(Q));
    }

    @Test
    void leaderTimeNeverRunsBackwards() {
        f.tick(5_000);
        f.tick(4_000);
        assertEquals(5_000, f.state.time());
    }

    @Test
    void deadLetterSettleForANonPendingMessageChangesNothing() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(1);
        assertTrue(f.state.apply(new Command.DeadLetterSettle(Q, List.of(1L))).isEmpty());
        assertEquals(1, f.counts().ready());
    }
}
