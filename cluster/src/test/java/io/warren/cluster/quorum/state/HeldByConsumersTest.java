package io.warren.cluster.quorum.state;

import static io.warren.cluster.quorum.state.Fixture.Q;
import static io.warren.cluster.quorum.state.Fixture.consumer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a new leader sends again: each consumer's held messages as the deliveries that gave them. */
class HeldByConsumersTest {
    @Test
    void eachConsumersUnsettledMessagesComeAsTheirDeliveriesInCheckoutOrderButNotWhatGettersHold() {
        Fixture f = new Fixture();
        f.attach(QueueConfig.DEFAULT);
        List<Long> ids = f.publish(5);
        f.consume(consumer(1), 2); // takes 0 and 1
        f.giveBack(consumer(1), ids.get(0)); // 0 comes back to it, redelivered and counted
        f.settle(consumer(1), ids.get(1)); // 1 is done; it takes 2
        f.state.apply(new Command.Dequeue(Q, consumer(9), false)); // a basic.get caller holds 3
        f.consume(consumer(2), 0); // takes 4

        assertEquals(List.of(
                new Effect.Deliver(Q, consumer(1), ids.get(0), true, 1),
                new Effect.Deliver(Q, consumer(1), ids.get(2), false, 0),
                new Effect.Deliver(Q, consumer(2), ids.get(4), false, 0)), f.state.heldByConsumers(Q));
        assertEquals(List.of(), f.state.heldByConsumers(new QueueKey("/", "none")));
    }
}
