package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.QueueKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes time pass in the quorum shards this node leads: submits a {@link Command.Tick} when a ready message's TTL
 * is due (it then dies with reason expired: dead-lettered by the leader's effects, or dropped), and deletes a queue
 * whose x-expires has passed while it had no consumer. One per node; each shard replica gets its part
 * ({@link #forShard}), which acts only while the replica is the ready leader, so a new leader's part takes over
 * by itself.
 *
 * <p>Cost: nothing while a shard is idle. A part looks at its state only when something happened: after an applied
 * entry (at most once per {@link #SETTLE_MS}, however many entries came meanwhile), when its replica becomes
 * leader, and when the one timer it keeps fires. That timer is set for the earliest time anything is due (a lane
 * head's expiry, a queue's last use plus its x-expires), and looked at again when it fires (a head consumed
 * meanwhile needs no tick). A shard with nothing that expires arms no timer and submits nothing. Reading the state
 * walks its queues once, under the replica's lock; at most {@code 1000 / SETTLE_MS} times a second while entries
 * flow. The settle delay is also the most a newly due time can be noticed late.
 */
public final class ExpiryDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryDriver.class);
    /** After an applied entry, the state is looked at this much later, once for all the entries meanwhile. */
    static final long SETTLE_MS = 100;
    /** A deletion asked for but not seen applied (the queue still in the shard) is asked again after this long. */
    static final long RETRY_MS = 10_000;
    /** A queue the broker here does not know yet is asked about again after this long. */
    static final long UNKNOWN_AGAIN_MS = 1_000;
    /** ... for at most this long. */
    static final long UNKNOWN_FOR_MS = 60_000;

    /** Sends a command to a shard through this node's client of it; done hears null or why it failed. */
    public interface Submitter {
        void submit(RaftGroupId group, Command command, Consumer<Throwable> done);
    }

    /** The broker's side of x-expires: each queue's setting, and its deletion. */
    public interface Queues {
        /** What {@link #expires} says of a queue this node has not made yet (its declaration not applied here). */
        long UNKNOWN = -2;

        /** The queue's x-expires in force (its argument or policy) in ms, -1 when none, or {@link #UNKNOWN}. */
        long expires(QueueKey queue);

        /** Deletes the queue through the definitions log, as unused for the given ms. */
        void expire(QueueKey queue, long unusedMs);

        /** No queue expires: a node without a broker (tests of the shards alone). */
        Queues NONE = new Queues() {
            @Override
            public long expires(QueueKey queue) {
                return -1;
            }

            @Override
            public void expire(QueueKey queue, long unusedMs) {
            }
        };
    }

    private final ScheduledThreadPoolExecutor timer;
    private volatile Submitter submitter;
    private volatile Queues queues = Queues.NONE;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.LongAdder looks = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder ticks = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder deletions = new java.util.concurrent.atomic.LongAdder();

    public ExpiryDriver(String node) {
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "warren-quorum-expiry-" + node);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** How ticks reach the shards (this node's shard clients); until set, nothing is submitted. */
    public void useSubmitter(Submitter s) {
        this.submitter = s;
    }

    /** The broker's queues, for x-expires; until set, no queue expires. */
    public void useQueues(Queues q) {
        this.queues = q;
    }

    /** The part of this node's replica of the shard, to combine with its other effects. */
    public ShardEffects forShard(RaftGroupId group) {
        return new Part(group);
    }

    /** What this node's parts did: states looked at, ticks submitted, queue deletions asked. */
    public record Counts(long looks, long ticks, long deletions) {
    }

    public Counts counts() {
        return new Counts(looks.sum(), ticks.sum(), deletions.sum());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }

    private void later(Runnable task, long delayMs) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing
        }
    }

    /** What the state says at one moment. */
    private record Facts(long nextExpiry, Map<QueueKey, Long> unusedSince) {
    }

    /** One replica's part. Its fields other than the volatile ones are used on the driver's thread only. */
    private final class Part implements ShardEffects {
        private final RaftGroupId group;
        private volatile ShardStateMachine machine;
        private final AtomicBoolean lookSoon = new AtomicBoolean();
        private ScheduledFuture<?> armed;
        private long armedAt = Long.MAX_VALUE;
        private boolean tickInFlight;
        /** Queues whose deletion was asked, and when (ms). */
        private final Map<QueueKey, Long> expiring = new HashMap<>();
        /** Queues the broker here did not know, since when (ms). */
        private final Map<QueueKey, Long> unknown = new HashMap<>();

        Part(RaftGroupId group) {
            this.group = group;
        }

        @Override
        public void attached(ShardStateMachine m) {
            this.machine = m;
        }

        /** On the apply thread, per entry: only a flag and, once per settle delay, a task. */
        @Override
        public void applied(long index, java.util.List<io.warren.cluster.quorum.state.Effect> effects,
                            Bodies bodies) {
            lookSoon();
        }

        @Override
        public void leaderReady() {
            lookSoon();
        }

        @Override
        public void notLeader() {
            later(this::stop, 0);
        }

        private void lookSoon() {
            if (lookSoon.compareAndSet(false, true)) {
                later(this::look, SETTLE_MS);
            }
        }

        private void stop() {
            disarm();
            expiring.clear();
            unknown.clear();
        }

        private void disarm() {
            if (armed != null) {
                armed.cancel(false);
                armed = null;
            }
            armedAt = Long.MAX_VALUE;
        }

        /** On the driver's thread: what is due is done, and the timer set for what comes next. */
        private void look() {
            lookSoon.set(false);
            ShardStateMachine m = machine;
            if (m == null || !m.leaderReady() || closed) {
                stop();
                return;
            }
            Facts f = m.readState(s -> new Facts(s.nextExpiry(), s.unusedSince()));
            looks.increment();
            long now = System.currentTimeMillis();
            long next = Long.MAX_VALUE;
            if (f.nextExpiry() <= now) {
                tick();
            } else {
                next = f.nextExpiry();
            }
            Queues q = queues;
            expiring.keySet().retainAll(f.unusedSince().keySet()); // the deleted ones left the shard
            unknown.keySet().retainAll(f.unusedSince().keySet());
            for (Map.Entry<QueueKey, Long> e : f.unusedSince().entrySet()) {
                long ms = q.expires(e.getKey());
                if (ms == Queues.UNKNOWN) {
                    // the shard applied its attach before this node applied its declaration: asked again soon,
                    // for a while (a queue deleted while its detach never reached the shard stays unknown)
                    long since = unknown.computeIfAbsent(e.getKey(), k -> now);
                    if (now - since < UNKNOWN_FOR_MS) {
                        next = Math.min(next, now + UNKNOWN_AGAIN_MS);
                    }
                    continue;
                }
                unknown.remove(e.getKey());
                if (ms < 0) {
                    continue;
                }
                long at = e.getValue() + ms;
                if (at > now) {
                    next = Math.min(next, at);
                    continue;
                }
                Long asked = expiring.get(e.getKey());
                if (asked == null || now - asked >= RETRY_MS) {
                    expiring.put(e.getKey(), now);
                    LOG.info("quorum queue {} has been unused for {} ms (x-expires): deleting it", e.getKey(), ms);
                    deletions.increment();
                    q.expire(e.getKey(), ms);
                }
                next = Math.min(next, now + RETRY_MS);
            }
            arm(next, now);
        }

        private void arm(long at, long now) {
            if (at == Long.MAX_VALUE) {
                disarm();
                return;
            }
            if (armed != null && !armed.isDone() && armedAt <= at) {
                return; // it fires first and looks again
            }
            disarm();
            armedAt = at;
            try {
                armed = timer.schedule(this::fired, Math.max(0, at - now), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                armed = null;
            }
        }

        private void fired() {
            armed = null;
            armedAt = Long.MAX_VALUE;
            look();
        }

        private void tick() {
            Submitter s = submitter;
            if (s == null || tickInFlight) {
                return; // the answer's entry makes it look again
            }
            tickInFlight = true;
            ticks.increment();
            // the leader stamps its own clock on the entry: the time here is replaced
            s.submit(group, new Command.Tick(0), failed -> later(() -> {
                tickInFlight = false;
                if (failed == null) {
                    lookSoon(); // for what a tick applied meanwhile could not take
                } else {
                    LOG.debug("a tick of shard {} failed ({}); looked at again in 1 s", group.getUuid(),
                            failed.toString());
                    later(this::look, 1000);
                }
            }, 0));
        }
    }
}
