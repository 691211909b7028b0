package io.warren.cluster.quorum.state;

import java.util.ArrayList;
import java.util.List;

/** Builds commands for the tests with few words: one origin, numbered consumers, a clock the test moves. */
final class Fixture {
    static final QueueKey Q = new QueueKey("/", "orders");
    static final Origin NODE_A = new Origin("a", 1);

    final ShardState state = new ShardState();
    long time = 1_000;
    private long seq;

    static ConsumerKey consumer(int id) {
        return new ConsumerKey("a", 1, id);
    }

    static ConsumerKey consumerOn(String node, int id) {
        return new ConsumerKey(node, 1, id);
    }

    List<Effect> attach(QueueConfig config) {
        return state.apply(new Command.AttachQueue(Q, 1, config));
    }

    List<Effect> publish() {
        return publish(10, 0, -1);
    }

    List<Effect> publish(long size, int priority, long ttl) {
        return state.apply(new Command.Enqueue(NODE_A, ++seq, Q, size, priority, ttl, time));
    }

    /** Publishes n messages of 10 bytes; returns their msgIds. */
    List<Long> publish(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (Effect e : publish()) {
                if (e instanceof Effect.Enqueued q) {
                    ids.add(q.msgId());
                }
            }
        }
        return ids;
    }

    List<Effect> consume(ConsumerKey c, int prefetch) {
        return consume(c, prefetch, 0);
    }

    List<Effect> consume(ConsumerKey c, int prefetch, int priority) {
        return state.apply(new Command.Checkout(Q, c, prefetch, priority, false, false));
    }

    List<Effect> settle(ConsumerKey c, Long... ids) {
        return state.apply(new Command.Settle(Q, c, List.of(ids)));
    }

    List<Effect> giveBack(ConsumerKey c, Long... ids) {
        return state.apply(new Command.Return(Q, c, List.of(ids), true));
    }

    List<Effect> discard(ConsumerKey c, Long... ids) {
        return state.apply(new Command.Discard(Q, c, List.of(ids)));
    }

    List<Effect> tick(long at) {
        time = at;
        return state.apply(new Command.Tick(at));
    }

    QueueCounts counts() {
        return state.counts(Q);
    }

    static <T extends Effect> List<T> only(List<Effect> effects, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Effect e : effects) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** The msgIds of the deliveries among the effects, in order. */
    static List<Long> delivered(List<Effect> effects) {
        return only(effects, Effect.Deliver.class).stream().map(Effect.Deliver::msgId).toList();
    }

    static QueueConfig config(long maxLength, long maxBytes, QueueConfig.Overflow overflow, long deliveryLimit,
                              boolean dlx, QueueConfig.DeadLetterStrategy strategy, long ttl, boolean sac) {
        return new QueueConfig(maxLength, maxBytes, overflow, deliveryLimit, dlx, strategy, ttl, sac);
    }

    static QueueConfig withDlx() {
        return config(-1, -1, QueueConfig.Overflow.DROP_HEAD, 20, true, QueueConfig.DeadLetterStrategy.AT_MOST_ONCE,
                -1, false);
    }
}
