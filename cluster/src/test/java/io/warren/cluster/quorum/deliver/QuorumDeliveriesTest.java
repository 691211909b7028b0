package io.warren.cluster.quorum.deliver;

import static io.warren.cluster.quorum.deliver.LeaderFixture.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard's leader gets each delivery to its consumer: over the link to another node, straight to one on its own
 * node, and after a leader change, again from the new leader.
 */
class QuorumDeliveriesTest {
    private static final QueueKey Q = new QueueKey("/", "orders");
    @TempDir
    Path dir;
    private LeaderFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static List<String> bodies(String prefix, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> prefix + i).toList();
    }

    private static Command.Checkout checkout(ConsumerKey key, int prefetch) {
        return new Command.Checkout(Q, key, prefetch, 0, false, false);
    }

    @Test
    void consumersOnTwoOtherNodesReceiveTheirMessagesWithTheirBodiesInMsgIdOrderInBatches() {
        f = new LeaderFixture(dir);
        RecordingTarget onB = new RecordingTarget();
        RecordingTarget onC = new RecordingTarget();
        f.attach(Q, QueueConfig.DEFAULT);
        f.submit(checkout(f.consumer(f.b, 1, onB), 0), checkout(f.consumer(f.c, 2, onC), 0));

        for (int e = 0; e < 10; e++) {
            f.enqueue(Q, bodies("m-", e * 10, 10));
        }

        await().atMost(WAIT).until(() -> onB.got.size() + onC.got.size() >= 100);
        assertFalse(onB.got.isEmpty(), "equal consumers take turns: b got some");
        assertFalse(onC.got.isEmpty(), "equal consumers take turns: c got some");
        for (RecordingTarget t : List.of(onB, onC)) {
            List<Long> ids = t.ids();
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i) > ids.get(i - 1), "in msgId order: " + ids);
            }
            for (RecordingTarget.Got g : t.got) {
                assertFalse(g.redelivered());
                assertEquals(0, g.deliveryCount());
                assertEquals("", g.exchange());
                assertEquals("orders", g.routingKey());
                assertTrue(g.thread().startsWith("warren-cluster-link"), "came over the link: " + g.thread());
            }
        }
        Set<Long> both = new HashSet<>(onB.distinctIds());
        both.retainAll(onC.distinctIds());
        assertEquals(Set.of(), both, "no message went to both");
        List<RecordingTarget.Got> all = new ArrayList<>(onB.got);
        all.addAll(onC.got);
        all.sort(Comparator.comparingLong(RecordingTarget.Got::msgId));
        assertEquals(bodies("m-", 0, 100), all.stream().map(RecordingTarget.Got::body).toList(),
                "every body, each under the msgId it was enqueued as");
        QuorumDeliveries.Counts sent = f.node(f.leader).quorumDeliveries().counts();
        assertEquals(100, sent.remote());
        assertTrue(sent.writes() <= 20, "one write per node per entry at most, not per message: " + sent);
    }

    @Test
    void aReturnedMessageComesBackRedeliveredCountingOnlyFailedDeliveries() {
        f = new LeaderFixture(dir);
        RecordingTarget onB = new RecordingTarget();
        ConsumerKey key = f.consumer(f.b, 1, onB);
        f.attach(Q, QueueConfig.DEFAULT);
        f.submit(checkout(key, 0));
        f.enqueue(Q, bodies("r-", 0, 3));
        await().atMost(WAIT).until(() -> onB.got.size() == 3);
        long second = onB.got.get(1).msgId();

        f.submit(new Command.Return(Q, key, List.of(second), true));
        await().atMost(WAIT).until(() -> onB.got.size() == 4);
        RecordingTarget.Got again = onB.got.get(3);
        assertEquals(second, again.msgId());
        assertEquals("r-1", again.body());
        assertTrue(again.redelivered());
        assertEquals(1, again.deliveryCount());

        f.submit(new Command.Return(Q, key, List.of(second), false));
        await().atMost(WAIT).until(() -> onB.got.size() == 5);
        RecordingTarget.Got third = onB.got.get(4);
        assertEquals(second, third.msgId());
        assertTrue(third.redelivered());
        assertEquals(1, third.deliveryCount(), "a return that was no failed delivery does not count");
    }

    @Test
    void aConsumerOnTheLeadersOwnNodeGetsItsDeliveriesWithoutTheLink() {
        f = new LeaderFixture(dir);
        RecordingTarget onLeader = new RecordingTarget();
        f.attach(Q, QueueConfig.DEFAULT);
        f.submit(checkout(f.consumer(f.leader, 1, onLeader), 0));

        f.enqueue(Q, bodies("l-", 0, 20));

        await().atMost(WAIT).until(() -> onLeader.got.size() == 20);
        assertEquals(bodies("l-", 0, 20), onLeader.got.stream().map(RecordingTarget.Got::body).toList());
        assertFalse(onLeader.got.get(0).thread().startsWith("warren-cluster-link"), onLeader.got.get(0).thread());
        QuorumDeliveries.Counts sent = f.node(f.leader).quorumDeliveries().counts();
        assertEquals(20, sent.local());
        assertEquals(0, sent.remote());
    }

    @Test
    void aNewLeaderSendsAgainWhatItsConsumersHeldBeforeAnythingNewAndNoneIsMissing() {
        f = new LeaderFixture(dir);
        RecordingTarget onB = new RecordingTarget();
        RecordingTarget onC = new RecordingTarget();
        ConsumerKey keyB = f.consumer(f.b, 1, onB);
        ConsumerKey keyC = f.consumer(f.c, 2, onC);
        f.attach(Q, QueueConfig.DEFAULT);
        f.submit(checkout(keyB, 0), checkout(keyC, 0));
        f.enqueue(Q, bodies("a-", 0, 40));
        await().atMost(WAIT).until(() -> onB.got.size() + onC.got.size() == 40);
        // b acknowledges its first five: those are done, and not sent again
        List<Long> settled = onB.ids().subList(0, 5);
        f.submit(new Command.Settle(Q, keyB, settled));
        int beforeB = onB.got.size();
        int beforeC = onC.got.size();
        Set<Long> heldB = new HashSet<>(onB.ids());
        settled.forEach(heldB::remove);
        Set<Long> heldC = new HashSet<>(onC.ids());

        f.cluster.stop(f.leader);
        await().atMost(WAIT).until(() -> f.readyLeader() >= 0);
        int newLeader = f.readyLeader();
        assertNotEquals(f.leader, newLeader);
        // what each consumer held comes again from the new leader, whether it is on the consumer's node or not
        await().atMost(WAIT).until(() -> new HashSet<>(onB.ids().subList(beforeB, onB.got.size()))
                .containsAll(heldB) && new HashSet<>(onC.ids().subList(beforeC, onC.got.size())).containsAll(heldC));
        f.enqueue(Q, bodies("b-", 0, 20));

        await().atMost(WAIT).until(() -> onB.got.size() - beforeB + onC.got.size() - beforeC
                >= heldB.size() + heldC.size() + 20);
        List<RecordingTarget.Got> afterB = onB.got.subList(beforeB, onB.got.size());
        List<RecordingTarget.Got> afterC = onC.got.subList(beforeC, onC.got.size());
        for (long id : settled) {
            assertFalse(afterB.stream().anyMatch(g -> g.msgId() == id), "settled msgId " + id + " came again");
        }
        assertResentFirst(afterB, heldB);
        assertResentFirst(afterC, heldC);
        Set<String> newBodies = new HashSet<>();
        afterB.stream().filter(g -> !heldB.contains(g.msgId())).forEach(g -> newBodies.add(g.body()));
        afterC.stream().filter(g -> !heldC.contains(g.msgId())).forEach(g -> newBodies.add(g.body()));
        assertEquals(new HashSet<>(bodies("b-", 0, 20)), newBodies, "the new messages, none missing");
    }

    @Test
    void aConsumersNodeWhoseLinkWasDownGetsWhatItHoldsOnceTheLinkIsBack() {
        f = new LeaderFixture(dir);
        RecordingTarget onB = new RecordingTarget();
        ConsumerKey key = f.consumer(f.b, 1, onB);
        f.attach(Q, QueueConfig.DEFAULT);
        f.submit(checkout(key, 0));
        f.enqueue(Q, bodies("up-", 0, 10));
        await().atMost(WAIT).until(() -> onB.got.size() == 10);

        // b goes away (no NodeDown is issued): what the leader delivers meanwhile cannot reach it
        f.cluster.stop(f.b);
        f.enqueue(Q, bodies("down-", 0, 10));
        f.cluster.start(f.b);

        await().atMost(WAIT).until(() -> onB.got.stream().map(RecordingTarget.Got::body).toList()
                .containsAll(bodies("down-", 0, 10)));
        assertTrue(onB.got.stream().map(RecordingTarget.Got::body).toList().containsAll(bodies("up-", 0, 10)));
        assertEquals(f.leader, f.readyLeader(), "the same leader all along");
    }

    // the held ones come first, each once, in the order they were first delivered; new deliveries after them
    private static void assertResentFirst(List<RecordingTarget.Got> after, Set<Long> held) {
        List<Long> ids = after.stream().map(RecordingTarget.Got::msgId).toList();
        List<Long> head = ids.subList(0, held.size());
        assertEquals(held, new HashSet<>(head), "what was held comes first: " + ids);
        assertEquals(head.stream().sorted().toList(), head, "in the order delivered: " + ids);
        for (long id : ids.subList(held.size(), ids.size())) {
            assertFalse(held.contains(id), "a held message came twice after the change: " + ids);
        }
        after.stream().filter(g -> held.contains(g.msgId())).forEach(g -> assertEquals("a-",
                g.body().substring(0, 2)));
    }

    @Test
    void aMessageRejectedWithoutRequeueIsDeadLetteredThroughTheLeadersExchangesWithItsDeathHeaders()
            throws Exception {
        f = new LeaderFixture(dir);
        com.rabbitmq.client.ConnectionFactory cf = new com.rabbitmq.client.ConnectionFactory();
        cf.setHost("127.0.0.1");
        cf.setPort(f.cluster.node(f.leader).broker().port());
        await().atMost(WAIT).until(() -> f.cluster.node(f.leader).broker().users().user("guest") != null);
        try (com.rabbitmq.client.Connection conn = cf.newConnection();
             com.rabbitmq.client.Channel ch = conn.createChannel()) {
            // until quorum queues have their front, a classic queue of the same name stands for the queue object
            // the leader's broker holds: its dead-letter arguments are what the leader routes by
            ch.exchangeDeclare("dlx", "fanout", true);
            ch.queueDeclare("graveyard", true, false, false, null);
            ch.queueBind("graveyard", "dlx", "");
            ch.queueDeclare(Q.name(), true, false, false, java.util.Map.of("x-dead-letter-exchange", "dlx"));
            RecordingTarget onB = new RecordingTarget();
            ConsumerKey key = f.consumer(f.b, 1, onB);
            f.attach(Q, new QueueConfig(-1, -1, QueueConfig.Overflow.DROP_HEAD, 20, true,
                    QueueConfig.DeadLetterStrategy.AT_MOST_ONCE, -1, false));
            f.submit(checkout(key, 0));
            f.enqueue(Q, List.of("doomed"));
            await().atMost(WAIT).until(() -> onB.got.size() == 1);

            f.submit(new Command.Discard(Q, key, List.of(onB.got.get(0).msgId())));

            com.rabbitmq.client.GetResponse[] dead = new com.rabbitmq.client.GetResponse[1];
            await().atMost(WAIT).until(() -> (dead[0] = ch.basicGet("graveyard", true)) != null);
            assertEquals("doomed", new String(dead[0].getBody(), java.nio.charset.StandardCharsets.UTF_8));
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> death = ((List<java.util.Map<String, Object>>) dead[0].getProps()
                    .getHeaders().get("x-death")).get(0);
            assertEquals("rejected", death.get("reason").toString());
            assertEquals(Q.name(), death.get("queue").toString());
        }
    }

    @Test
    void aWaitingSingleActiveConsumerHearsWhenItIsActiveAndEveryConsumerHearsItsQueueWasDeleted() {
        f = new LeaderFixture(dir);
        RecordingTarget first = new RecordingTarget();
        RecordingTarget second = new RecordingTarget();
        ConsumerKey one = f.consumer(f.b, 1, first);
        ConsumerKey two = f.consumer(f.c, 2, second);
        f.attach(Q, new QueueConfig(-1, -1, QueueConfig.Overflow.DROP_HEAD, 20, false,
                QueueConfig.DeadLetterStrategy.AT_MOST_ONCE, -1, true));
        f.submit(checkout(one, 0));
        f.submit(checkout(two, 0));
        await().atMost(WAIT).until(() -> !second.activity.isEmpty());
        assertEquals(List.of(false), second.activity, "registered, waiting");

        f.submit(new Command.Cancel(Q, one, true));
        await().atMost(WAIT).until(() -> second.activity.size() == 2);
        assertEquals(List.of(false, true), second.activity);
        f.enqueue(Q, bodies("s-", 0, 2));
        await().atMost(WAIT).until(() -> second.got.size() == 2);

        f.submit(new Command.DetachQueue(Q, 2));
        await().atMost(WAIT).until(() -> !second.cancelled.isEmpty());
        assertEquals(List.of("queue deleted"), second.cancelled);
    }
}
