package io.warren.cluster.quorum.state;

import static io.warren.cluster.quorum.state.Fixture.NODE_A;
import static io.warren.cluster.quorum.state.Fixture.Q;
import static io.warren.cluster.quorum.state.Fixture.config;
import static io.warren.cluster.quorum.state.Fixture.consumer;
import static io.warren.cluster.quorum.state.Fixture.delivered;
import static io.warren.cluster.quorum.state.Fixture.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.state.QueueConfig.DeadLetterStrategy;
import io.warren.cluster.quorum.state.QueueConfig.Overflow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How messages leave a quorum queue dead: delivery limit, length limits, TTL, and the two dead-letter strategies. */
class QueueLimitsTest {
    private final Fixture f = new Fixture();

    private static final QueueConfig AT_LEAST_ONCE = config(2, -1, Overflow.REJECT_PUBLISH, 20, true,
            DeadLetterStrategy.AT_LEAST_ONCE, -1, false);

    // the consumer takes the message and returns it, count times; the effects of the last return
    private List<Effect> returnRepeatedly(int count) {
        List<Effect> fx = List.of();
        for (int i = 0; i < count; i++) {
            fx = f.giveBack(consumer(1), 1L);
        }
        return fx;
    }

    @Test
    void theDefaultDeliveryLimitIsTwentyAndThePoisonMessageIsDeadLetteredAsDeliveryLimit() {
        assertEquals(20, QueueConfig.DEFAULT.deliveryLimit());
        f.attach(Fixture.withDlx());
        f.publish(2);
        f.consume(consumer(1), 1);
        List<Effect> twentieth = returnRepeatedly(20);
        assertEquals(List.of(new Effect.Deliver(Q, consumer(1), 1, true, 20)), twentieth);
        List<Effect> fx = f.giveBack(consumer(1), 1L);
        assertEquals(new Effect.DeadLetter(Q, 1, DeathReason.DELIVERY_LIMIT, false), fx.get(0));
        assertEquals(List.of(2L), delivered(fx), "the next message goes on");
    }

    @Test
    void aDeliveryLimitOfMinusOneIsUnlimited() {
        f.attach(config(-1, -1, Overflow.DROP_HEAD, -1, true, DeadLetterStrategy.AT_MOST_ONCE, -1, false));
        f.publish(1);
        f.consume(consumer(1), 1);
        List<Effect> fx = returnRepeatedly(100);
        assertEquals(List.of(new Effect.Deliver(Q, consumer(1), 1, true, 100)), fx);
    }

    @Test
    void aDeliveryLimitOfZeroDeadLettersOnTheFirstReturn() {
        f.attach(config(-1, -1, Overflow.DROP_HEAD, 0, false, DeadLetterStrategy.AT_MOST_ONCE, -1, false));
        f.publish(1);
        f.consume(consumer(1), 1);
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.DELIVERY_LIMIT)), f.giveBack(consumer(1), 1L));
    }

    @Test
    void aReturnThatIsNoDeliveryFailureMarksRedeliveredWithoutCounting() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(1);
        f.consume(consumer(1), 1);
        List<Effect> fx = f.state.apply(new Command.Return(Q, consumer(1), List.of(1L), false));
        assertEquals(List.of(new Effect.Deliver(Q, consumer(1), 1, true, 0)), fx);
    }

    @Test
    void maxLengthWithDropHeadDeadLettersTheOldestAsMaxlen() {
        f.attach(config(2, -1, Overflow.DROP_HEAD, 20, true, DeadLetterStrategy.AT_MOST_ONCE, -1, false));
        f.publish(2);
        List<Effect> fx = f.publish();
        assertEquals(List.of(new Effect.Enqueued(Q, NODE_A, 3, 3),
                new Effect.DeadLetter(Q, 1, DeathReason.MAXLEN, false)), fx);
        assertEquals(2, f.counts().ready());
        assertEquals(List.of(2L, 3L), delivered(f.consume(consumer(1), 0)));
    }

    @Test
    void maxLengthBytesWithDropHeadDropsUntilTheBytesFit() {
        f.attach(config(-1, 25, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, -1, false));
        f.publish(10, 0, -1);
        f.publish(10, 0, -1);
        List<Effect> fx = f.publish(20, 0, -1);
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.MAXLEN), new Effect.Dropped(Q, 2, DeathReason.MAXLEN)),
                only(fx, Effect.Dropped.class));
        assertEquals(20, f.counts().readyBytes());
    }

    @Test
    void messagesGivenBackCountAgainstTheLimitAtOnce() {
        f.attach(config(1, -1, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, -1, false));
        f.publish(1);
        f.consume(consumer(1), 1);
        f.state.apply(new Command.Cancel(Q, consumer(1), false));
        f.publish(1); // msg 2 is ready, 1 is out
        List<Effect> fx = f.giveBack(consumer(1), 1L);
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.MAXLEN)), fx, "the oldest, just returned, goes");
    }

    @Test
    void rejectPublishRefusesOnceFullAndTakesAgainWhenThereIsRoom() {
        f.attach(config(2, -1, Overflow.REJECT_PUBLISH, 20, false, DeadLetterStrategy.AT_MOST_ONCE, -1, false));
        f.publish(2);
        assertEquals(List.of(new Effect.EnqueueRefused(Q, NODE_A, 3, "reject-publish")), f.publish());
        f.state.apply(new Command.Dequeue(Q, consumer(9), true));
        assertEquals(1, only(f.publish(), Effect.Enqueued.class).size());
        assertEquals(2, f.counts().ready());
    }

    @Test
    void aLowerLimitFromAPolicyDropsTheHeadAtOnceButAnOlderConfigIsIgnored() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(3);
        QueueConfig one = config(1, -1, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, -1, false);
        List<Effect> fx = f.state.apply(new Command.ConfigureQueue(Q, 5, one));
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.MAXLEN), new Effect.Dropped(Q, 2, DeathReason.MAXLEN)),
                fx);
        assertTrue(f.state.apply(new Command.ConfigureQueue(Q, 4, QueueConfig.DEFAULT)).isEmpty());
        assertEquals(one, f.state.config(Q));
    }

    @Test
    void messageTtlExpiresReadyMessagesOnTickAsExpired() {
        f.attach(config(-1, -1, Overflow.DROP_HEAD, 20, true, DeadLetterStrategy.AT_MOST_ONCE, 500, false));
        f.publish(2); // at 1000: expire after 1500
        assertTrue(f.tick(1_500).isEmpty(), "due only once its time has passed");
        assertEquals(List.of(new Effect.DeadLetter(Q, 1, DeathReason.EXPIRED, false),
                new Effect.DeadLetter(Q, 2, DeathReason.EXPIRED, false)), f.tick(1_501));
        assertEquals(0, f.counts().ready());
    }

    @Test
    void theShorterOfTheQueueTtlAndTheMessageTtlHolds() {
        f.attach(config(-1, -1, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, 500, false));
        f.publish(10, 0, 100);
        f.publish(10, 0, 900);
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.EXPIRED)), f.tick(1_200));
        assertEquals(List.of(new Effect.Dropped(Q, 2, DeathReason.EXPIRED)), f.tick(1_600));
    }

    @Test
    void aCheckedOutMessageDoesNotExpireButKeepsItsTimeWhenReturned() {
        f.attach(config(-1, -1, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, 500, false));
        f.publish(1);
        f.consume(consumer(1), 1);
        assertTrue(f.tick(5_000).isEmpty());
        f.state.apply(new Command.Cancel(Q, consumer(1), false));
        f.giveBack(consumer(1), 1L);
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.EXPIRED)), f.tick(5_001));
    }

    @Test
    void anExpiredHeadIsNotDeliveredToANewConsumer() {
        f.attach(config(-1, -1, Overflow.DROP_HEAD, 20, false, DeadLetterStrategy.AT_MOST_ONCE, 100, false));
        f.publish(1);
        f.time = 2_000;
        f.publish(10, 0, -1); // its enqueue brings leader time to 2000, msg 1 is past due
        List<Effect> fx = f.consume(consumer(1), 0);
        assertEquals(List.of(new Effect.Dropped(Q, 1, DeathReason.EXPIRED), new Effect.Deliver(Q, consumer(1), 2,
                false, 0)), fx);
    }

    @Test
    void atLeastOnceDeadLettersStayUntilSettledAndCountAgainstTheLimit() {
        f.attach(AT_LEAST_ONCE);
        f.publish(2);
        f.consume(consumer(1), 2);
        List<Effect> fx = f.discard(consumer(1), 1L, 2L);
        assertEquals(List.of(new Effect.DeadLetter(Q, 1, DeathReason.REJECTED, true),
                new Effect.DeadLetter(Q, 2, DeathReason.REJECTED, true)), fx);
        assertEquals(2, f.counts().deadLetterPending());
        assertEquals(1, only(f.publish(), Effect.EnqueueRefused.class).size(), "two owed fill a limit of two");
        assertEquals(List.of(new Effect.Released(Q, 1)), f.state.apply(new Command.DeadLetterSettle(Q, List.of(1L))));
        assertEquals(1, f.counts().deadLetterPending());
        assertEquals(1, only(f.publish(), Effect.Enqueued.class).size());
    }

    @Test
    void atLeastOnceWithoutRejectPublishFallsBackToAtMostOnce() {
        QueueConfig c = config(-1, -1, Overflow.DROP_HEAD, 20, true, DeadLetterStrategy.AT_LEAST_ONCE, -1, false);
        f.attach(c);
        f.publish(1);
        f.consume(consumer(1), 1);
        assertEquals(List.of(new Effect.DeadLetter(Q, 1, DeathReason.REJECTED, false)), f.discard(consumer(1), 1L));
        assertEquals(0, f.counts().deadLetterPending());
    }

    @Test
    void leavingAtLeastOnceDeadLettersWhatWasOwedAtMostOnce() {
        f.attach(AT_LEAST_ONCE);
        f.publish(1);
        f.consume(consumer(1), 1);
        f.discard(consumer(1), 1L);
        QueueConfig atMostOnce = config(2, -1, Overflow.REJECT_PUBLISH, 20, true, DeadLetterStrategy.AT_MOST_ONCE,
                -1, false);
        assertEquals(List.of(new Effect.DeadLetter(Q, 1, DeathReason.REJECTED, false)),
                f.state.apply(new Command.ConfigureQueue(Q, 2, atMostOnce)));
        assertEquals(0, f.counts().deadLetterPending());
    }
}
