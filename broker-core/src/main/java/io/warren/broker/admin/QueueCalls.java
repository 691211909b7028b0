package io.warren.broker.admin;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Runs admin work on a queue's own thread (the only thread that may touch its state) and hands back the result. */
final class QueueCalls {
    private QueueCalls() {
    }

    static <T> CompletableFuture<T> on(AmqpQueue q, Function<AmqpQueue, T> work) {
        return later(q, (queue, result) -> result.complete(work.apply(queue)));
    }

    /** As {@link #on}, for work that completes the result itself, maybe later (a queue on another node). */
    static <T> CompletableFuture<T> later(AmqpQueue q, java.util.function.BiConsumer<AmqpQueue,
            CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            q.execute(() -> {
                try {
                    work.accept(q, result);
                } catch (AmqpException e) {
                    result.completeExceptionally(AdminException.from(e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            // the queue's loop is shutting down with the broker
            result.completeExceptionally(new AdminException(AdminException.Kind.UNAVAILABLE, e.toString()));
        }
        return result;
    }
}
