package io.warren.cluster.quorum.state;

import io.warren.cluster.quorum.state.QueueConfig.DeadLetterStrategy;
import io.warren.cluster.quorum.state.QueueConfig.Overflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A long, plausible command sequence from a seed: publishes, consumers on three nodes coming and going, acks,
 * requeues, rejects, gets, purges, ticks, policy changes, node loss, duplicate retries and queue deletion. It
 * applies what it makes to a state of its own, so that settles name messages consumers really hold.
 */
final class RandomCommands {
    private static final String[] NODES = {"a", "b", "c"};
    private static final QueueKey[] QUEUES = {new QueueKey("/", "plain"), new QueueKey("/", "limited"),
        new QueueKey("v2", "single")};

    private final Random random;
    private final ShardState oracle = new ShardState();
    private final List<Long> owedDeadLetters = new ArrayList<>();
    private final List<Command.Enqueue> sent = new ArrayList<>();
    private long time = 1_000;
    private long seq;
    private long defsIndex;

    private RandomCommands(long seed) {
        random = new Random(seed);
    }

    static List<Command> generate(long seed, int count) {
        return new RandomCommands(seed).run(count);
    }

    private List<Command> run(int count) {
        List<Command> out = new ArrayList<>(count);
        for (QueueKey q : QUEUES) {
            out.add(next(new Command.AttachQueue(q, ++defsIndex, configFor(q))));
        }
        while (out.size() < count) {
            out.add(next(make()));
        }
        return out;
    }

    private Command next(Command c) {
        for (Effect e : oracle.apply(c)) {
            if (e instanceof Effect.DeadLetter d && d.atLeastOnce()) {
                owedDeadLetters.add(d.msgId());
            }
        }
        return c;
    }

    private QueueConfig configFor(QueueKey q) {
        return switch (q.name()) {
            case "limited" -> new QueueConfig(30 + random.nextInt(30), 2_000, Overflow.REJECT_PUBLISH,
                    random.nextInt(4), true, DeadLetterStrategy.AT_LEAST_ONCE, 200 + random.nextInt(300), false);
            case "single" -> new QueueConfig(50, -1, Overflow.DROP_HEAD, 20, random.nextBoolean(),
                    DeadLetterStrategy.AT_MOST_ONCE, -1, true);
            default -> QueueConfig.DEFAULT;
        };
    }

    private Command make() {
        QueueKey q = QUEUES[random.nextInt(QUEUES.length)];
        ConsumerKey c = new ConsumerKey(NODES[random.nextInt(3)], 1, random.nextInt(4));
        int roll = random.nextInt(100);
        if (roll < 40) {
            time += random.nextInt(20);
            Command.Enqueue e = new Command.Enqueue(new Origin(NODES[random.nextInt(3)], 1), ++seq, q,
                    random.nextInt(200), random.nextInt(10), random.nextInt(5) == 0 ? random.nextInt(400) : -1, time);
            sent.add(e);
            return e;
        } else if (roll < 55) {
            return new Command.Settle(q, c, some(oracle.checkedOut(q, c)));
        } else if (roll < 63) {
            return new Command.Return(q, c, some(oracle.checkedOut(q, c)), random.nextInt(4) != 0);
        } else if (roll < 67) {
            return new Command.Discard(q, c, some(oracle.checkedOut(q, c)));
        } else if (roll < 74) {
            return new Command.Checkout(q, c, random.nextInt(5), random.nextInt(3), random.nextInt(30) == 0,
                    random.nextInt(10) == 0);
        } else if (roll < 78) {
            return new Command.Cancel(q, c, random.nextBoolean());
        } else if (roll < 83) {
            if (random.nextInt(5) == 0) {
                return new Command.Touch(q); // a redeclaration
            }
            return new Command.Dequeue(q, c, random.nextBoolean());
        } else if (roll < 90) {
            time += random.nextInt(300);
            return new Command.Tick(time);
        } else if (roll < 94) {
            return new Command.DeadLetterSettle(q, some(owedDeadLetters));
        } else if (roll < 96 && !sent.isEmpty()) {
            return sent.get(random.nextInt(sent.size())); // a retry after a leader change
        } else if (roll < 97) {
            return new Command.ConfigureQueue(q, ++defsIndex, configFor(q));
        } else if (roll < 98) {
            return new Command.Purge(q);
        } else if (roll < 99) {
            return new Command.NodeDown(NODES[random.nextInt(3)]);
        } else if (oracle.counts(q) != null) {
            return new Command.DetachQueue(q, ++defsIndex);
        } else {
            return new Command.AttachQueue(q, ++defsIndex, configFor(q));
        }
    }

    // some of the ids, sometimes with one that is not held (a late or repeated ack)
    private List<Long> some(List<Long> ids) {
        List<Long> out = new ArrayList<>();
        for (Long id : ids) {
            if (random.nextInt(3) == 0) {
                out.add(id);
            }
        }
        if (random.nextInt(10) == 0) {
            out.add((long) random.nextInt(1_000));
        }
        return out;
    }
}
