package io.warren.broker.delayed;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.MessageRecord;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.RoutingScratch;
import io.warren.broker.vhost.VirtualHost;
import io.warren.store.DurabilityListener;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages a delayed exchange holds until they are due, and the timer that routes them then. All state is
 * confined to one event loop; publishers hand messages over through a queue, a batch at a time.
 *
 * <p>Memory stays bounded however many messages wait: each message goes to the log of the time bucket it is due in
 * ({@value #BUCKET_MS} ms wide), or to one far log when it is due more than {@value #NEAR_MS} ms ahead. A bucket is
 * read into memory {@value #LOAD_AHEAD_MS} ms before its slot starts, and its messages fire from an in-memory heap
 * on a timer. The far log is scanned once its soonest message comes within the near horizon, and whatever is due
 * within the next {@value #FAR_PULL_MS} ms beyond it moves to buckets. So only the next few seconds of messages are
 * in memory; a message further ahead costs nothing in memory, only its record on disk.
 *
 * <p>Persistent messages of a durable exchange are logged as persistent records (their confirm waits for the fsync)
 * and come back after a restart; all others are paging records, dropped by a restart. A fired message's record is
 * acked once every durable queue it reached has it on disk, and a bucket's log is deleted once all of it has fired.
 */
public final class DelayedMessages {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedMessages.class);
    static final long BUCKET_MS = 2_000;
    static final long LOAD_AHEAD_MS = 500;
    static final long NEAR_MS = 180_000;
    static final long FAR_PULL_MS = 60_000;
    private static final int LOAD_CHUNK = 1_024;
    private static final long LOAD_CHUNK_BYTES = 4L << 20;
    private static final int DRAIN_BATCH = 8_192;
    private static final String FAR_SUFFIX = "far";
    private static final int HEAD_BYTES = 8;

    private final VirtualHost vhost;
    private final ExchangeEntity exchange;
    private final EventExecutor loop;
    private final QueueStorage storage;
    private final String logPrefix;
    private final boolean durable;
    /** The near horizon and the far-log pull; system properties change them so tests need not wait minutes. */
    private final long nearMs = Long.getLong("warren.delayed.near-ms", NEAR_MS);
    private final long farPullMs = Long.getLong("warren.delayed.far-pull-ms", FAR_PULL_MS);

    private final ConcurrentLinkedQueue<HeldMessage> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong count = new AtomicLong();
    /** Fired batches whose records wait for the queues' fsync before they are acked. */
    private final AtomicInteger unsettledBatches = new AtomicInteger();

    // loop-confined from here on
    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    private final PriorityQueue<HeldMessage> heap = new PriorityQueue<>(HeldMessage::byDue);
    private final MessageRecord.Encoder encoder = new MessageRecord.Encoder();
    private final MessageRecord.NameCache names = new MessageRecord.NameCache();
    private final ByteBuffer heads = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Bucket> touched = new ArrayList<>();
    private final List<Bucket> acked = new ArrayList<>();
    private final List<Message> releaseAfterFlush = new ArrayList<>();
    private final Set<AmqpQueue> targets = new HashSet<>();
    private final RoutingScratch scratch = new RoutingScratch();
    private final IdentityHashMap<AmqpQueue, QueueWork> work = new IdentityHashMap<>();
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private long farSoonest = Long.MAX_VALUE;
    private boolean farMoving;
    private boolean deleted;
    /** Nothing fires before the broker has restored its queues and bindings: they decide where messages go. */
    private boolean started;

    private DelayedMessages(VirtualHost vhost, ExchangeEntity exchange, EventExecutor loop, QueueStorage storage) {
        this.vhost = vhost;
        this.exchange = exchange;
        this.loop = loop;
        this.storage = storage;
        this.durable = exchange.durable();
        this.logPrefix = storage.delayedLogPrefix(vhost.name(), exchange.name(), durable);
    }

    /**
     * The delayed messages of a newly declared (or restored) exchange; a durable one gets back the persistent
     * messages its logs hold. Nothing fires until {@link #start}; then those overdue fire at once.
     */
    public static DelayedMessages open(VirtualHost vhost, ExchangeEntity exchange, EventExecutor loop,
                                       QueueStorage storage) {
        DelayedMessages d = new DelayedMessages(vhost, exchange, loop, storage);
        if (d.durable) {
            storage.claimDelayedLogs(d.logPrefix, true);
            try {
                d.recover();
            } catch (IOException e) {
                storage.claimDelayedLogs(d.logPrefix, false);
                throw new UncheckedIOException("cannot recover the delayed messages of " + exchange, e);
            } catch (IllegalStateException e) {
                storage.claimDelayedLogs(d.logPrefix, false);
                throw e;
            }
        }
        return d;
    }

    /** Starts the timer: the broker's queues and bindings are in place. Idempotent. */
    public void start() {
        loop.execute(() -> {
            started = true;
            tick();
        });
    }

    // runs before the loop sees this object; the task that starts it publishes these fields to the loop
    private void recover() throws IOException {
        for (String name : storage.logNames(logPrefix)) {
            String suffix = name.substring(logPrefix.length());
            long key;
            try {
                key = FAR_SUFFIX.equals(suffix) ? Bucket.FAR : Long.parseLong(suffix);
            } catch (NumberFormatException e) {
                continue; // not one of ours: the start-up sweep removes it
            }
            QueueLog log = storage.namedLog(name);
            if (log.recoveredCount() == 0) {
                log.delete();
                continue;
            }
            Bucket b = new Bucket(key, name, log);
            b.pending = log.recoveredCount();
            buckets.put(key, b);
            count.addAndGet(b.pending);
            if (b.isFar()) {
                farSoonest = 0; // not known until scanned: scan at once
            }
        }
        if (!buckets.isEmpty()) {
            LOG.info("{} in vhost '{}': {} delayed messages recovered", exchange, vhost.name(), count.get());
        }
    }

    /** Messages held, including those handed over and not yet stored. */
    public long count() {
        return count.get();
    }

    /**
     * Takes over the caller's reference of the message, to be routed at {@code due} (epoch ms). The barrier, if
     * any, is released once the message is on disk.
     */
    public void hold(Message m, long due, PublishBarrier barrier) {
        count.incrementAndGet();
        incoming.add(new HeldMessage(due, m, barrier));
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    /**
     * The broker is stopping: nothing fires from now on (what is pending stays in the logs for the next start).
     * Waits briefly for the exchange's loop, so that no message fires into a queue that is closing, and for the
     * fsyncs of what fired last, so that it is acked here and does not fire again after the restart.
     */
    public void stop() {
        try {
            loop.submit(() -> {
                started = false;
                if (timer != null) {
                    timer.cancel(false);
                    timer = null;
                }
            }).await(1, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (unsettledBatches.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            // its loop is already gone
        }
    }

    /** The exchange is gone: its messages are dropped and its logs deleted. */
    public void delete() {
        storage.claimDelayedLogs(logPrefix, false);
        loop.execute(() -> {
            deleted = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            HeldMessage h;
            while ((h = heap.poll()) != null) {
                h.message.release();
            }
            while ((h = incoming.poll()) != null) {
                drop(h);
            }
            for (Bucket b : buckets.values()) {
                try {
                    b.log.delete();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot delete the delayed-message log {}", b.logName, e);
                }
            }
            buckets.clear();
            count.set(0);
        });
    }

    /** The soonest pending messages, up to limit, in due order. */
    public CompletableFuture<List<PendingMessage>> soonest(int limit) {
        CompletableFuture<List<PendingMessage>> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(deleted ? List.of() : new PendingListing(limit, names, BUCKET_MS).list(heap, buckets.values(), farSoonest));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    // from another thread, e.g. a queue's fsync; once the broker is stopping the work is left undone: a record not
    // acked fires again after the restart (at least once), one not moved is still in the far log
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("broker stopping: delayed-message bookkeeping of {} left for the next start", exchange);
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    // ---- taking messages in ----

    private void drain() {
        drainScheduled.set(false);
        long now = now();
        HeldMessage h;
        int n = 0;
        while (n++ < DRAIN_BATCH && (h = incoming.poll()) != null) {
            if (deleted) {
                drop(h);
                continue;
            }
            try {
                accept(h, now);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot store a delayed message of {} in vhost '{}'; it is dropped", exchange, vhost.name(), e);
                drop(h, e instanceof IOException io ? io : new IOException(e));
            }
        }
        finishAppends();
        if (!incoming.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain); // a long backlog yields to the timer between batches
        }
        schedule();
    }

    private void accept(HeldMessage h, long now) throws IOException {
        boolean persistent = durable && h.message.isPersistent();
        Bucket b = bucketFor(h.due, now, true);
        h.bucket = b;
        if (b.loaded) {
            // its slot is near: it waits in memory, and on disk only if it must survive a restart
            if (persistent) {
                h.seq = append(b, h.due, h.message, true);
            }
            heap.add(h);
        } else {
            append(b, h.due, h.message, persistent);
            releaseAfterFlush.add(h.message);
            h.message = null;
        }
        if (h.barrier != null) {
            if (persistent) {
                b.waiting.add(h.barrier);
            } else {
                h.barrier.release(1);
            }
            h.barrier = null;
        }
    }

    // a message of a deleted exchange counts as routed nowhere: its confirm is an ack, as for no route
    private void drop(HeldMessage h) {
        drop(h, null);
    }

    // one that could not be stored is nacked
    private void drop(HeldMessage h, IOException failure) {
        h.message.release();
        if (h.barrier != null) {
            if (failure == null) {
                h.barrier.release(1);
            } else {
                h.barrier.fail(1, failure);
            }
        }
        count.decrementAndGet();
    }

    private Bucket bucketFor(long due, long now, boolean farAllowed) throws IOException {
        long key = farAllowed && due - now > nearMs ? Bucket.FAR : Math.floorDiv(due, BUCKET_MS);
        Bucket b = buckets.get(key);
        if (b == null) {
            String name = logPrefix + (key == Bucket.FAR ? FAR_SUFFIX : Long.toString(key));
            b = new Bucket(key, name, storage.namedLog(name));
            b.loaded = key != Bucket.FAR && b.start(BUCKET_MS) - LOAD_AHEAD_MS <= now;
            buckets.put(key, b);
        }
        if (key == Bucket.FAR && due < farSoonest) {
            farSoonest = due;
        }
        return b;
    }

    private long append(Bucket b, long due, Message m, boolean persistent) throws IOException {
        ByteBuffer[] parts = encoder.encode(m);
        ByteBuffer[] record = new ByteBuffer[parts.length + 1];
        record[0] = head(due);
        System.arraycopy(parts, 0, record, 1, parts.length);
        return appendRecord(b, persistent, record);
    }

    private long appendRecord(Bucket b, boolean persistent, ByteBuffer... record) throws IOException {
        long seq = b.nextSeq++;
        b.log.append(seq, persistent, record);
        b.pending++;
        if (!b.touched) {
            b.touched = true;
            touched.add(b);
        }
        return seq;
    }

    private ByteBuffer head(long due) {
        if (heads.remaining() < HEAD_BYTES) {
            return ByteBuffer.allocate(HEAD_BYTES).putLong(0, due);
        }
        ByteBuffer head = heads.slice(heads.position(), HEAD_BYTES).putLong(0, due);
        heads.position(heads.position() + HEAD_BYTES);
        return head;
    }

    /** Writes what this batch appended, one flush per log; confirms wait for each log's fsync. */
    private void finishAppends() {
        for (Bucket b : touched) {
            b.touched = false;
            List<PublishBarrier> waiting = b.waiting.isEmpty() ? List.of() : new ArrayList<>(b.waiting);
            b.waiting.clear();
            b.log.whenDurable(new DurabilityListener() {
                @Override
                public void durable() {
                    for (PublishBarrier w : waiting) {
                        w.release(1);
                    }
                }

                @Override
                public void failed(IOException cause) {
                    LOG.warn("delayed messages of {} in vhost '{}' could not be stored", exchange, vhost.name(), cause);
                    for (PublishBarrier w : waiting) {
                        w.fail(1, cause);
                    }
                }
            });
        }
        touched.clear();
        // the flushes above have written these messages' buffers: they may go now
        for (Message m : releaseAfterFlush) {
            m.release();
        }
        releaseAfterFlush.clear();
        encoder.reset();
        heads.clear();
    }

    // ---- the timer ----

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        tick();
    }

    private void tick() {
        if (deleted || !started) {
            return;
        }
        fire(now());
        boolean more = false;
        try {
            long now = now();
            if (!farMoving && farSoonest != Long.MAX_VALUE && now >= farSoonest - nearMs) {
                moveNearFromFar(now);
            }
            more = loadNextChunk(now);
        } catch (IOException | RuntimeException e) {
            LOG.warn("reading the delayed messages of {} in vhost '{}' failed", exchange, vhost.name(), e);
        }
        long now = now();
        fire(now);
        dropFinishedBuckets(now);
        if (more) {
            loop.execute(this::tick); // one chunk per task: firing is never held up by a whole bucket
        } else {
            schedule();
        }
    }

    private void schedule() {
        if (deleted || !started) {
            return;
        }
        long next = heap.isEmpty() ? Long.MAX_VALUE : heap.peek().due;
        for (Bucket b : buckets.values()) {
            if (b.isFar()) {
                break;
            }
            if (!b.loaded) {
                next = Math.min(next, b.start(BUCKET_MS) - LOAD_AHEAD_MS);
                break;
            }
            if (b.pending == 0) {
                next = Math.min(next, b.start(BUCKET_MS) + BUCKET_MS); // to delete its log when its slot is over
            }
        }
        if (!farMoving && farSoonest != Long.MAX_VALUE) {
            next = Math.min(next, farSoonest - nearMs);
        }
        if (next == Long.MAX_VALUE || (timer != null && timerAt <= next)) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = next;
        timer = loop.schedule(this::onTimer, Math.max(0, next - now()), TimeUnit.MILLISECONDS);
    }

    /** Reads one chunk of the first bucket whose slot is near; true if there may be more to read now. */
    private boolean loadNextChunk(long now) throws IOException {
        for (Bucket b : buckets.values()) {
            if (b.isFar() || b.start(BUCKET_MS) - LOAD_AHEAD_MS > now) {
                return false;
            }
            if (b.loaded) {
                continue;
            }
            int n = b.log.read(b.readFrom, LOAD_CHUNK, LOAD_CHUNK_BYTES, (seq, persistent, delivered, payload) -> {
                long due = payload.getLong();
                HeldMessage h = new HeldMessage(due, MessageRecord.decode(payload, names), null);
                h.seq = seq;
                h.bucket = b;
                heap.add(h);
                b.readFrom = seq + 1;
            });
            if (n == 0) {
                b.loaded = true;
            }
            return true;
        }
        return false;
    }

    /** Routes every message that is due, a batch per queue; records are acked once the queues have them on disk. */
    private void fire(long now) {
        if (heap.isEmpty() || heap.peek().due > now) {
            return;
        }
        List<HeldMessage> settleAfterDisk = new ArrayList<>();
        PublishBarrier barrier = null;
        while (!heap.isEmpty() && heap.peek().due <= now) {
            HeldMessage h = heap.poll();
            Message m = DelayHeader.negated(h.message);
            h.message = null;
            Map<String, Object> headers = m.hasHeaders() ? m.properties().headers() : null;
            targets.clear();
            vhost.route(exchange, m.routingKey(), headers, m, targets, scratch);
            boolean waitForDisk = false;
            for (AmqpQueue q : targets) {
                PublishBarrier b = null;
                if (h.seq >= 0 && m.isPersistent() && q.persistsMessages()) {
                    if (barrier == null) {
                        unsettledBatches.incrementAndGet();
                        barrier = new PublishBarrier(done -> onLoop(() -> settleAll(settleAfterDisk, done)));
                    }
                    b = barrier;
                    b.expect();
                    waitForDisk = true;
                }
                work.computeIfAbsent(q, k -> new QueueWork()).publish(m.retain(), b);
            }
            m.release();
            count.decrementAndGet();
            if (h.seq >= 0) {
                if (waitForDisk) {
                    settleAfterDisk.add(h);
                } else {
                    settle(h);
                }
            }
        }
        for (Map.Entry<AmqpQueue, QueueWork> e : work.entrySet()) {
            AmqpQueue q = e.getKey();
            QueueWork w = e.getValue();
            q.execute(() -> q.take(w));
        }
        work.clear();
        writeAcks();
        if (barrier != null) {
            barrier.release(1);
        }
    }

    private void settleAll(List<HeldMessage> fired, PublishBarrier done) {
        unsettledBatches.decrementAndGet();
        if (done.failure() != null) {
            LOG.warn("a queue could not store delayed messages of {} that fired; their records are kept and fire "
                    + "again after a restart", exchange, done.failure());
            return;
        }
        for (HeldMessage h : fired) {
            settle(h);
        }
        writeAcks();
        dropFinishedBuckets(now());
        schedule(); // a bucket now empty goes when its slot is over
    }

    private void settle(HeldMessage h) {
        if (deleted) {
            return;
        }
        try {
            h.bucket.log.ack(h.seq);
        } catch (IOException e) {
            LOG.warn("cannot ack a fired delayed message in {}", h.bucket.logName, e);
        }
        h.bucket.pending--;
        if (!h.bucket.acksToWrite) {
            h.bucket.acksToWrite = true;
            acked.add(h.bucket);
        }
    }

    /**
     * Writes the batch's acks (no fsync): after a kill -9 a fired message then does not fire again, unless the kill
     * came between its firing and this write.
     */
    private void writeAcks() {
        for (Bucket b : acked) {
            b.acksToWrite = false;
            if (buckets.get(b.key) != b) {
                continue; // deleted meanwhile
            }
            try {
                b.log.flush();
            } catch (IOException e) {
                LOG.warn("cannot write the acks of fired delayed messages to {}", b.logName, e);
            }
        }
        acked.clear();
    }

    private void dropFinishedBuckets(long now) {
        Iterator<Bucket> it = buckets.values().iterator();
        while (it.hasNext()) {
            Bucket b = it.next();
            if (b.isFar() || b.start(BUCKET_MS) + BUCKET_MS > now) {
                return;
            }
            if (b.loaded && b.pending == 0 && !b.touched) {
                try {
                    b.log.delete();
                } catch (IOException e) {
                    LOG.warn("cannot delete the delayed-message log {}", b.logName, e);
                }
                it.remove();
            }
        }
    }

    // ---- the far log ----

    /** Moves what is due soon from the far log to buckets; the far records are acked once the moves are on disk. */
    private void moveNearFromFar(long now) throws IOException {
        Bucket far = buckets.get(Bucket.FAR);
        if (far == null) {
            farSoonest = Long.MAX_VALUE;
            return;
        }
        long horizon = now + nearMs + farPullMs;
        SeqList moved = new SeqList();
        long[] soonest = {Long.MAX_VALUE};
        long[] from = {0};
        PublishBarrier onDisk = new PublishBarrier(done -> onLoop(() -> finishMove(far, moved, done)));
        int n;
        do {
            n = far.log.read(from[0], LOAD_CHUNK, LOAD_CHUNK_BYTES, (seq, persistent, delivered, payload) -> {
                from[0] = seq + 1;
                long due = payload.getLong(payload.position());
                if (due > horizon) {
                    soonest[0] = Math.min(soonest[0], due);
                    return;
                }
                try {
                    Bucket b = bucketFor(due, now, false);
                    long newSeq = appendRecord(b, persistent, payload);
                    if (persistent) {
                        onDisk.expect();
                        b.waiting.add(onDisk);
                    }
                    if (b.loaded) {
                        ByteBuffer copy = payload.duplicate();
                        copy.position(copy.position() + HEAD_BYTES);
                        HeldMessage h = new HeldMessage(due, MessageRecord.decode(copy, names), null);
                        h.seq = newSeq;
                        h.bucket = b;
                        heap.add(h);
                    }
                    moved.add(seq);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            finishAppends();
        } while (n > 0);
        farSoonest = soonest[0];
        farMoving = true;
        onDisk.release(1);
    }

    private void finishMove(Bucket far, SeqList moved, PublishBarrier done) {
        farMoving = false;
        if (deleted) {
            return;
        }
        if (done.failure() != null) {
            LOG.warn("moving delayed messages of {} out of the far log failed; they are kept there too", exchange,
                    done.failure());
        }
        for (int i = 0; i < moved.size(); i++) {
            try {
                far.log.ack(moved.get(i));
            } catch (IOException e) {
                LOG.warn("cannot ack a moved delayed message in {}", far.logName, e);
            }
        }
        far.pending -= moved.size();
        try {
            far.log.flush(); // the acks: a kill -9 from now on does not bring the moved messages back twice
        } catch (IOException e) {
            LOG.warn("cannot write the acks of moved delayed messages to {}", far.logName, e);
        }
        if (far.pending <= 0 && buckets.get(Bucket.FAR) == far) {
            try {
                far.log.delete();
            } catch (IOException e) {
                LOG.warn("cannot delete the delayed-message log {}", far.logName, e);
            }
            buckets.remove(Bucket.FAR);
            if (farSoonest != Long.MAX_VALUE) {
                LOG.warn("far log of {} emptied while a message was due in it", exchange);
            }
        }
        schedule();
    }
}
