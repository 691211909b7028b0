package io.warren.broker.admin;

import io.netty.buffer.ByteBufUtil;
import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An admin get on the queue's thread: takes up to count ready messages one by one (each answered at once by a queue
 * here, later by one on another node), copies them out, then requeues them (marked redelivered) or finishes them.
 */
final class AdminGet implements AmqpQueue.GetAnswer {
    private final AmqpQueue queue;
    private final int count;
    private final boolean requeue;
    private final CompletableFuture<List<GotMessage>> result;
    private final List<QueueEntry> taken = new ArrayList<>();
    private final List<GotMessage> out = new ArrayList<>();
    private boolean empty;
    private boolean inPoll;
    private boolean answered;
    private boolean failed;

    AdminGet(AmqpQueue queue, int count, boolean requeue, CompletableFuture<List<GotMessage>> result) {
        this.queue = queue;
        this.count = count;
        this.requeue = requeue;
        this.result = result;
    }

    /** Takes the next message; a loop rather than recursion while the queue answers at once. */
    void run() {
        while (!failed) {
            if (empty || taken.size() >= count) {
                finish();
                return;
            }
            answered = false;
            inPoll = true;
            queue.poll(false, this);
            inPoll = false;
            if (!answered) {
                return; // the answer comes later, and carries on from there
            }
        }
    }

    @Override
    public void got(QueueEntry e, int remaining) {
        answered = true;
        if (e == null) {
            empty = true;
        } else {
            // taken as unacked: requeued ones keep their log records, the others are finished below
            taken.add(e);
            Message m = e.message();
            out.add(new GotMessage(m.exchange(), m.routingKey(), e.redelivered(), remaining, m.properties(),
                    ByteBufUtil.getBytes(m.body(), m.body().readerIndex(), m.bodySize())));
        }
        if (!inPoll) {
            run();
        }
    }

    @Override
    public void failed(AmqpException error) {
        answered = true;
        failed = true;
        putBack();
        result.completeExceptionally(AdminException.from(error));
    }

    private void finish() {
        if (requeue) {
            putBack();
        } else {
            queue.finish(taken);
            taken.forEach(t -> t.message().release());
        }
        result.complete(out);
    }

    private void putBack() {
        if (!taken.isEmpty()) {
            queue.requeue(taken, true);
        }
    }
}
