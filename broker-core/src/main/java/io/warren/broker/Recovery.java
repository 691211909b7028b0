package io.warren.broker;

import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.VirtualHost;
import io.warren.store.definitions.StoredDefinitions;
import java.util.Collection;

/**
 * What a starting broker found in its data directory and brought back, for the start-up log.
 *
 * @param firstStart      nothing was stored: the data directory is new (the default user and vhost were made)
 * @param messages        messages back in durable queues
 * @param delayedMessages messages back in durable delayed exchanges, waiting for their time
 * @param millis          how long restoring definitions and opening the queues' logs took
 */
public record Recovery(boolean firstStart, int vhosts, int users, int exchanges, int queues, int bindings,
                       int policies, long messages, long delayedMessages, long millis) {

    /** Counts what was restored; call before delayed exchanges start firing, so none has left yet. */
    static Recovery of(StoredDefinitions stored, Collection<VirtualHost> vhosts, long millis) {
        long messages = 0;
        long delayed = 0;
        for (VirtualHost v : vhosts) {
            for (AmqpQueue q : v.queues()) {
                messages += q.readyCountSnapshot();
            }
            for (ExchangeEntity x : v.exchanges()) {
                if (x.delayed() != null) {
                    delayed += x.delayed().count();
                }
            }
        }
        boolean firstStart = stored.vhosts().isEmpty() && stored.users().isEmpty();
        return new Recovery(firstStart, stored.vhosts().size(), stored.users().size(), stored.exchanges().size(),
                stored.queues().size(), stored.bindings().size(), stored.policies().size(), messages, delayed,
                millis);
    }
}
