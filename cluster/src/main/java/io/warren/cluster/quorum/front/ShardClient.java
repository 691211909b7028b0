package io.warren.cluster.quorum.front;

import io.warren.broker.message.Message;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.raft.ShardEntry;
import io.warren.cluster.quorum.raft.ShardReply;
import io.warren.cluster.quorum.shard.QuorumTuning;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's client of one shard: every quorum queue of the shard sends its commands through it. Commands wait
 * here while a few requests are in flight and go out together as one log entry (up to about 1 MB), so many
 * publishes share one Raft round and one fsync. Enqueues carry this node's origin (node, process epoch) and a
 * sequence number that rises in the order requests are sent, which Ratis keeps for one client: a retry after a
 * leader change is recognised by the shard and not enqueued twice. A request not answered within 30 s fails its
 * commands (a publisher hears a nack).
 */
public final class ShardClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardClient.class);
    static final int MAX_IN_FLIGHT = 4;
    static final int MAX_ENTRY_BYTES = 1024 * 1024;
    static final long DEADLINE_MS = 30_000;
    /** Publishers pause while this much is waiting here or in flight, until it falls below the low mark. */
    static final long FLOW_HIGH = 16L * 1024 * 1024;
    static final long FLOW_LOW = 8L * 1024 * 1024;

    /** What a command hears: the effect meant for it (null when none is), or why it failed. */
    public interface Answer {
        void answered(Effect effect, ShardReply reply, Throwable failure);

        Answer NONE = (effect, reply, failure) -> {
        };
    }

    private static final class Item {
        final Command command;
        final ByteBuffer[] body;
        final Message held;
        final Answer answer;
        final long bytes;
        boolean done;

        Item(Command command, ByteBuffer[] body, Message held, Answer answer, long bytes) {
            this.command = command;
            this.body = body;
            this.held = held;
            this.answer = answer;
            this.bytes = bytes;
        }
    }

    private final String name;
    private final RaftClient client;
    private final Origin origin;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.Executor replies;
    private final ArrayDeque<Item> waiting = new ArrayDeque<>();
    private long seq;
    private int inFlight;
    private long outstanding;
    private List<Runnable> flowWaiters = new ArrayList<>();
    private boolean closed;

    /**
     * @param replies where answers are handled: never on the Ratis thread that completes them, which holds the
     *                client's sliding window while a send here (under this client's lock) waits for it
     */
    ShardClient(String name, RaftGroup group, Origin origin, ScheduledExecutorService timer,
                java.util.concurrent.Executor replies) {
        this.name = name;
        this.origin = origin;
        this.timer = timer;
        this.replies = replies;
        // each attempt times out after 1.5 s (QuorumTuning.commandClient); together they outlast the 30 s deadline
        this.client = RaftClient.newBuilder().setProperties(QuorumTuning.commandClient()).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(300,
                        TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** Publishes a message to the queue; takes over one reference of it, released once the shard answered. */
    public void enqueue(QueueKey queue, Message m, Answer answer) {
        ByteBuffer[] parts;
        try {
            parts = QuorumMessageFormat.encode(m);
        } catch (IllegalArgumentException e) {
            m.release();
            answer.answered(null, null, e);
            return;
        }
        long size = QuorumMessageFormat.size(parts);
        synchronized (this) {
            Command.Enqueue e = new Command.Enqueue(origin, ++seq, queue, m.body().readableBytes(),
                    MessageFacts.priority(m), MessageFacts.ttl(m), 0);
            add(new Item(e, parts, m, answer, size + 32));
        }
    }

    /** Sends a command that carries no message. */
    public void submit(Command c, Answer answer) {
        synchronized (this) {
            add(new Item(c, null, null, answer, 64));
        }
    }

    private void add(Item item) {
        if (closed) {
            fail(List.of(item), new IOException("the node is closing"));
            return;
        }
        waiting.add(item);
        outstanding += item.bytes;
        send();
    }

    /** The shard's leader as this client last heard (the group's preferred peer until it has talked to it). */
    String knownLeader() {
        org.apache.ratis.protocol.RaftPeerId id = client.getLeaderId();
        return id == null ? null : id.toString();
    }

    /** True while publishers should wait: too much is outstanding to the shard. */
    public synchronized boolean inFlow() {
        return outstanding > FLOW_HIGH;
    }

    /** Runs the task (on a shard client thread) once the outstanding bytes fell below the low mark. */
    public void whenFlowEnds(Runnable task) {
        synchronized (this) {
            if (outstanding > FLOW_LOW && !closed) {
                flowWaiters.add(task);
                return;
            }
        }
        task.run();
    }

    // under the lock, so that requests are sent in the order of their sequence numbers
    private void send() {
        while (inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
            List<Item> batch = new ArrayList<>();
            long bytes = 0;
            while (!waiting.isEmpty() && (batch.isEmpty() || bytes + waiting.peek().bytes <= MAX_ENTRY_BYTES)) {
                Item i = waiting.poll();
                batch.add(i);
                bytes += i.bytes;
            }
            List<Command> commands = new ArrayList<>(batch.size());
            List<ByteBuffer[]> bodies = new ArrayList<>();
            for (Item i : batch) {
                commands.add(i.command);
                if (i.body != null) {
                    bodies.add(i.body);
                }
            }
            ByteString entry = ShardEntry.encodeParts(new CommandBatch(commands), bodies);
            inFlight++;
            ScheduledFuture<?> deadline = timer.schedule(() -> finished(batch, null,
                    new IOException("shard " + name + " did not commit within " + DEADLINE_MS / 1000 + " s")),
                    DEADLINE_MS, TimeUnit.MILLISECONDS);
            client.async().send(org.apache.ratis.protocol.Message.valueOf(entry)).whenCompleteAsync((reply, error) -> {
                deadline.cancel(false);
                if (error != null) {
                    finished(batch, null, error);
                } else if (!reply.isSuccess()) {
                    finished(batch, null, reply.getException() != null ? reply.getException()
                            : new IOException("shard " + name + " refused the request"));
                } else {
                    finished(batch, reply, null);
                }
            }, replies);
        }
    }

    // once per request: its answer, a failure, or its deadline, whichever comes first
    private void finished(List<Item> batch, RaftClientReply raftReply, Throwable failure) {
        List<Runnable> resumed = null;
        synchronized (this) {
            if (batch.get(0).done) {
                return;
            }
            for (Item i : batch) {
                i.done = true;
                outstanding -= i.bytes;
            }
            inFlight--;
            if (outstanding <= FLOW_LOW && !flowWaiters.isEmpty()) {
                resumed = flowWaiters;
                flowWaiters = new ArrayList<>();
            }
            send();
        }
        ShardReply reply = null;
        if (failure == null) {
            try {
                reply = ShardReply.decode(raftReply.getMessage());
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            LOG.debug("a request of {} commands to shard {} failed: {}", batch.size(), name, failure.toString());
            fail(batch, failure);
        } else {
            answer(batch, reply);
        }
        if (resumed != null) {
            resumed.forEach(Runnable::run);
        }
    }

    private static void fail(List<Item> batch, Throwable failure) {
        for (Item i : batch) {
            release(i);
            i.answer.answered(null, null, failure);
        }
    }

    private static void release(Item i) {
        if (i.held != null) {
            i.held.release();
        }
    }

    // each effect goes to the command it answers: enqueues by sequence number, the rest in order per queue
    private void answer(List<Item> batch, ShardReply reply) {
        Map<Long, Effect> bySeq = new HashMap<>();
        List<Effect> others = new ArrayList<>();
        for (Effect e : reply.effects()) {
            if (e instanceof Effect.Enqueued x && x.origin().equals(origin)) {
                bySeq.put(x.seq(), e);
            } else if (e instanceof Effect.EnqueueDuplicate x && x.origin().equals(origin)) {
                bySeq.put(x.seq(), e);
            } else if (e instanceof Effect.EnqueueRefused x && x.origin().equals(origin)) {
                bySeq.put(x.seq(), e);
            } else {
                others.add(e);
            }
        }
        for (Item i : batch) {
            Effect mine = null;
            if (i.command instanceof Command.Enqueue e) {
                mine = bySeq.get(e.seq());
            } else {
                for (int k = 0; k < others.size(); k++) {
                    if (answers(i.command, others.get(k))) {
                        mine = others.remove(k);
                        break;
                    }
                }
            }
            release(i);
            try {
                i.answer.answered(mine, reply, null);
            } catch (RuntimeException e) {
                LOG.warn("handling the answer of shard {} to {} failed", name, i.command, e);
            }
        }
    }

    private static boolean answers(Command c, Effect e) {
        if (c instanceof Command.Dequeue d) {
            return (e instanceof Effect.Dequeued x && x.queue().equals(d.queue()) && x.getter().equals(d.getter()))
                    || (e instanceof Effect.DequeueEmpty y && y.queue().equals(d.queue())
                    && y.getter().equals(d.getter()));
        }
        if (c instanceof Command.Purge p) {
            return e instanceof Effect.Purged x && x.queue().equals(p.queue());
        }
        if (c instanceof Command.Checkout k) {
            return e instanceof Effect.ConsumerRefused x && x.queue().equals(k.queue())
                    && x.consumer().equals(k.consumer());
        }
        return false;
    }

    @Override
    public void close() {
        List<Item> dropped;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
        }
        fail(dropped, new IOException("the node is closing"));
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing the client of shard {}", name, e);
        }
    }
}
