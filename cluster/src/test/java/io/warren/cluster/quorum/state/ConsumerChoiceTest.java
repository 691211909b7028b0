package io.warren.cluster.quorum.state;

import static io.warren.cluster.quorum.state.Fixture.Q;
import static io.warren.cluster.quorum.state.Fixture.config;
import static io.warren.cluster.quorum.state.Fixture.consumer;
import static io.warren.cluster.quorum.state.Fixture.consumerOn;
import static io.warren.cluster.quorum.state.Fixture.delivered;
import static io.warren.cluster.quorum.state.Fixture.only;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.warren.cluster.quorum.state.QueueConfig.DeadLetterStrategy;
import io.warren.cluster.quorum.state.QueueConfig.Overflow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which consumer gets the next message, and which message is next: SAC, consumer priority, turns, two lanes. */
class ConsumerChoiceTest {
    private static final QueueConfig SAC = config(-1, -1, Overflow.DROP_HEAD, 20, false,
            DeadLetterStrategy.AT_MOST_ONCE, -1, true);

    private final Fixture f = new Fixture();

    private List<ConsumerKey> receivers(List<Effect> fx) {
        return only(fx, Effect.Deliver.class).stream().map(Effect.Deliver::consumer).toList();
    }

    @Test
    void withSingleActiveConsumerOnlyTheFirstReceives() {
        f.attach(SAC);
        assertEquals(List.of(new Effect.ConsumerActivity(Q, consumer(1), true)), f.consume(consumer(1), 0));
        assertEquals(List.of(new Effect.ConsumerActivity(Q, consumer(2), false)), f.consume(consumer(2), 0));
        List<Effect> fx = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fx.addAll(f.publish());
        }
        assertEquals(List.of(consumer(1), consumer(1), consumer(1), consumer(1)), receivers(fx));
    }

    @Test
    void whenTheActiveConsumerGoesTheWaitingOneWithTheHighestPriorityTakesOver() {
        f.attach(SAC);
        f.consume(consumer(1), 1);
        f.consume(consumer(2), 0, 1);
        f.consume(consumer(3), 0, 5);
        f.consume(consumer(4), 0, 5);
        f.publish(3); // 1 to consumer 1, then it is full
        List<Effect> fx = f.state.apply(new Command.Cancel(Q, consumer(1), true));
        assertEquals(new Effect.ConsumerActivity(Q, consumer(3), true), fx.get(0), "priority 5, registered first");
        assertEquals(List.of(consumer(3), consumer(3), consumer(3)), receivers(fx));
        assertEquals(List.of(1L, 2L, 3L), delivered(fx), "the returned one first");
    }

    @Test
    void switchingSingleActiveConsumerOnByPolicyLeavesOneActive() {
        f.attach(QueueConfig.DEFAULT);
        f.consume(consumer(1), 0);
        f.consume(consumer(2), 0);
        List<Effect> fx = f.state.apply(new Command.ConfigureQueue(Q, 2, SAC));
        assertEquals(List.of(new Effect.ConsumerActivity(Q, consumer(2), false)), fx);
        assertEquals(List.of(consumer(1), consumer(1)), receivers(concat(f.publish(), f.publish())));
    }

    @Test
    void aHigherPriorityConsumerReceivesWhileItHasCreditThenALowerOne() {
        f.attach(QueueConfig.DEFAULT);
        f.consume(consumer(1), 1, 0);
        f.consume(consumer(2), 2, 10);
        List<Effect> fx = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fx.addAll(f.publish());
        }
        assertEquals(List.of(consumer(2), consumer(2), consumer(1)), receivers(fx), "the fourth waits");
        assertEquals(List.of(consumer(2)), receivers(f.settle(consumer(2), 1L)), "credit back: the higher first");
    }

    @Test
    void consumersOfEqualPriorityTakeTurns() {
        f.attach(QueueConfig.DEFAULT);
        f.consume(consumer(1), 0);
        f.consume(consumer(2), 0);
        f.consume(consumer(3), 0);
        List<Effect> fx = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fx.addAll(f.publish());
        }
        assertEquals(List.of(consumer(1), consumer(2), consumer(3), consumer(1), consumer(2), consumer(3)),
                receivers(fx));
    }

    @Test
    void highPriorityMessagesGoFirstButLetANormalOneThroughAfterEveryTwo() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(10, 0, -1); // 1 normal
        f.publish(10, 0, -1); // 2 normal
        for (int i = 0; i < 5; i++) {
            f.publish(10, 5, -1); // 3..7 high (priority above 4)
        }
        f.publish(10, 4, -1); // 8 normal (4 is not high)
        List<Effect> fx = f.consume(consumer(1), 0);
        assertEquals(List.of(3L, 4L, 1L, 5L, 6L, 2L, 7L, 8L), delivered(fx));
    }

    @Test
    void aReturnedHighPriorityMessageGoesBackToItsPlaceInItsLane() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(10, 9, -1); // 1 high
        f.publish(10, 9, -1); // 2 high
        f.consume(consumer(1), 1); // takes 1
        f.state.apply(new Command.Cancel(Q, consumer(1), false));
        f.giveBack(consumer(1), 1L);
        assertEquals(List.of(1L, 2L), delivered(f.consume(consumer(2), 0)));
    }

    @Test
    void whenTheActiveConsumersNodeGoesAConsumerOnANodeStillThereTakesOver() {
        f.attach(SAC);
        f.consume(consumerOn("b", 1), 0);
        f.consume(consumerOn("b", 2), 0, 9);
        f.consume(consumerOn("c", 1), 0);
        f.publish(1);
        List<Effect> fx = f.state.apply(new Command.NodeDown("b"));
        assertEquals(List.of(new Effect.ConsumerCancelled(Q, consumerOn("b", 1), "node down"),
                new Effect.ConsumerCancelled(Q, consumerOn("b", 2), "node down"),
                new Effect.ConsumerActivity(Q, consumerOn("c", 1), true),
                new Effect.Deliver(Q, consumerOn("c", 1), 1, true, 1)), fx);
    }

    @Test
    void aNodesGetterHoldingAMessageLosesItWhenTheNodeGoes() {
        f.attach(QueueConfig.DEFAULT);
        f.publish(1);
        f.state.apply(new Command.Dequeue(Q, consumerOn("b", 1), false));
        f.state.apply(new Command.NodeDown("b"));
        assertEquals(1, f.counts().ready());
        assertEquals(0, f.counts().unacked());
    }

    private static List<Effect> concat(List<Effect> a, List<Effect> b) {
        List<Effect> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
