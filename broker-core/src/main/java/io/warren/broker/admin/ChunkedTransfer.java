package io.warren.broker.admin;

import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Moves ready messages out of a queue to other queues in chunks (taken through the answering {@link
 * AmqpQueue#takeReady}, so the source may be a queue on another node), so a backlog paged out to disk is never pulled
 * into memory whole. A chunk goes to its targets in order; the source lets go of a message's log record only once
 * its target has written it (a crash in between leaves it in both queues, never in neither), and takes the next
 * chunk only when the last one is settled. A target that refuses (deleted meanwhile) gets nothing more: what it
 * refused goes back to its place in the source and the transfer ends.
 */
final class ChunkedTransfer {
    static final int CHUNK = 1_000;

    private final AmqpQueue source;
    private final Function<QueueEntry, AmqpQueue> route;
    private final CompletableFuture<RedriveResult> result = new CompletableFuture<>();
    private final Map<String, Integer> movedTo = new LinkedHashMap<>();
    private int remaining;
    private int moved;
    private int left;
    private int unsettledGroups;
    private boolean refused;

    /**
     * route names each message's target, or returns null (or the source) for a message that stays: it goes to
     * the source's tail, behind what this transfer moves on. At most max messages (0: those ready at the start).
     */
    private ChunkedTransfer(AmqpQueue source, int max, Function<QueueEntry, AmqpQueue> route) {
        this.source = source;
        this.remaining = max;
        this.route = route;
    }

    static CompletableFuture<RedriveResult> start(AmqpQueue source, int max,
                                                  Function<QueueEntry, AmqpQueue> route) {
        ChunkedTransfer t = new ChunkedTransfer(source, max, route);
        QueueCalls.on(source, q -> {
            if (t.remaining > 0) {
                t.nextChunk();
                return null;
            }
            // how many are ready: at once for a queue here, from its home node for a queue on another
            q.counts(new AmqpQueue.CountsAnswer() {
                @Override
                public void counted(int messages, int consumers) {
                    t.remaining = messages;
                    t.nextChunk();
                }

                @Override
                public void failed(AmqpException error) {
                    t.result.completeExceptionally(AdminException.from(error));
                }
            });
            return null;
        }).whenComplete((v, e) -> {
            if (e != null) {
                t.result.completeExceptionally(e);
            }
        });
        return t.result;
    }

    // on the source's thread: the chunk is taken at once from a queue here, in one round trip from one elsewhere
    private void nextChunk() {
        if (refused || remaining <= 0) {
            handOut(List.of());
            return;
        }
        source.takeReady(Math.min(CHUNK, remaining), new AmqpQueue.TakeAnswer() {
            @Override
            public void took(List<QueueEntry> entries) {
                handOut(entries);
            }

            @Override
            public void failed(AmqpException error) {
                result.completeExceptionally(AdminException.from(error));
            }
        });
    }

    private void handOut(List<QueueEntry> taken) {
        if (taken.isEmpty()) {
            result.complete(new RedriveResult(moved, movedTo, left));
            return;
        }
        remaining -= taken.size();
        Map<AmqpQueue, List<QueueEntry>> byTarget = new IdentityHashMap<>();
        List<AmqpQueue> order = new ArrayList<>();
        for (QueueEntry entry : taken) {
            AmqpQueue target = route.apply(entry);
            if (target == null) {
                target = source;
            }
            byTarget.computeIfAbsent(target, t -> {
                order.add(t);
                return new ArrayList<>();
            }).add(entry);
        }
        unsettledGroups = order.size();
        for (AmqpQueue target : order) {
            hand(target, byTarget.get(target));
        }
    }

    private void hand(AmqpQueue target, List<QueueEntry> entries) {
        List<Message> messages = new ArrayList<>(entries.size());
        for (QueueEntry entry : entries) {
            messages.add(entry.message());
        }
        // a target on another node answers once its home node has the messages on disk
        Runnable offer = () -> target.offer(messages, took -> source.execute(() -> settle(target, entries, took)));
        if (target == source) {
            offer.run();
        } else {
            target.execute(offer);
        }
    }

    // on the source's thread
    private void settle(AmqpQueue target, List<QueueEntry> entries, boolean took) {
        if (took) {
            source.finish(entries);
            if (target == source) {
                left += entries.size();
            } else {
                moved += entries.size();
                movedTo.merge(target.name(), entries.size(), Integer::sum);
            }
        } else {
            refused = true;
            source.requeueUndelivered(entries, true);
        }
        if (--unsettledGroups == 0) {
            nextChunk();
        }
    }
}
