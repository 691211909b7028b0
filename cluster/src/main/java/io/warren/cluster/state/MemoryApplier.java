package io.warren.cluster.state;

import io.warren.broker.durable.DefinitionApplier;
import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.log.ChangeReplay;
import io.warren.store.definitions.GlobalParameterRow;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.UserRow;
import io.warren.store.definitions.VhostRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import io.warren.cluster.log.DefinitionChange;
import io.warren.store.definitions.DefinitionWriter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed changes to the broker's memory, in log order, on a thread of its own ("warren-cluster-apply").
 * Not on Ratis's apply thread: a change may wait for a vhost that a client's declare holds while that declare
 * waits for its own entry to be applied, and the two must not wait for each other. Changes made on this thread are
 * not sent to the cluster again ({@link #isApplierThread()}).
 */
public final class MemoryApplier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryApplier.class);
    private final ExecutorService thread;
    private volatile Thread applierThread;
    private volatile DefinitionWriter broker;
    private volatile io.warren.cluster.transients.TransientApplier transients;

    public MemoryApplier() {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "warren-cluster-apply");
            t.setDaemon(true);
            applierThread = t;
            return t;
        });
    }

    /** From now on changes go into this broker's memory (before, they only reach the store). */
    public void attach(DefinitionApplier applier) {
        this.broker = applier;
    }

    /** From now on transient definitions go into memory too. */
    public void attach(io.warren.cluster.transients.TransientApplier applier) {
        this.transients = applier;
    }

    /** Whether the calling thread is the one applying others' changes. */
    public boolean isApplierThread() {
        return Thread.currentThread() == applierThread;
    }

    /** Queues a change for the broker's memory. */
    public void apply(DefinitionChange c) {
        try {
            thread.execute(() -> applyNow(c));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing: the store has the change, and a restart restores memory from it
        }
    }

    /** Queues work that must run in order with the changes (a snapshot's resynchronisation). */
    public void run(Runnable task) {
        thread.execute(task);
    }

    /**
     * Brings memory from the definitions before an installed snapshot to those in it: what is gone is deleted, and
     * everything in the snapshot is put (puts of what is there already change nothing). Runs on the applier thread.
     */
    public void resync(StoredDefinitions before, StoredDefinitions after) {
        DefinitionWriter w = broker;
        if (w == null) {
            return;
        }
        List<DefinitionChange> changes = new ArrayList<>();
        ChangeRecorder r = ChangeRecorder.to("snapshot", changes::add);
        gone(before.bindings(), after.bindings(), b -> b).forEach(r::deleteBinding);
        gone(before.queues(), after.queues(), q -> List.of(q.vhost(), q.name()))
                .forEach(q -> r.deleteQueue(q.vhost(), q.name()));
        gone(before.exchanges(), after.exchanges(), x -> List.of(x.vhost(), x.name()))
                .forEach(x -> r.deleteExchange(x.vhost(), x.name()));
        gone(before.policies(), after.policies(), p -> List.of(p.vhost(), p.name()))
                .forEach(p -> r.deletePolicy(p.vhost(), p.name()));
        gone(before.permissions(), after.permissions(), p -> List.of(p.user(), p.vhost()))
                .forEach(p -> r.deletePermission(p.user(), p.vhost()));
        gone(before.parameters(), after.parameters(), p -> List.of(p.vhost(), p.component(), p.name()))
                .forEach(p -> r.deleteParameter(p.vhost(), p.component(), p.name()));
        gone(before.globalParameters(), after.globalParameters(), GlobalParameterRow::name)
                .forEach(g -> r.deleteGlobalParameter(g.name()));
        gone(before.users(), after.users(), UserRow::name).forEach(u -> r.deleteUser(u.name()));
        gone(before.vhosts(), after.vhosts(), VhostRow::name).forEach(v -> r.deleteVhost(v.name()));
        after.vhosts().forEach(r::putVhost);
        after.users().forEach(r::putUser);
        after.permissions().forEach(r::putPermission);
        after.policies().forEach(r::putPolicy);
        after.exchanges().forEach(r::putExchange);
        after.queues().forEach(r::putQueue);
        after.bindings().forEach(r::putBinding);
        after.vhostMetadata().forEach(r::putVhostMetadata);
        after.topicPermissions().forEach(r::putTopicPermission);
        after.userLimits().forEach(r::putUserLimits);
        after.parameters().forEach(r::putParameter);
        after.globalParameters().forEach(r::putGlobalParameter);
        changes.forEach(this::applyNow);
    }

    private static <T> List<T> gone(List<T> before, List<T> after, Function<T, Object> key) {
        Set<Object> kept = new HashSet<>();
        after.forEach(a -> kept.add(key.apply(a)));
        return before.stream().filter(b -> !kept.contains(key.apply(b))).toList();
    }

    private void applyNow(DefinitionChange c) {
        DefinitionWriter w = broker;
        if (w == null) {
            return;
        }
        try {
            if (io.warren.cluster.transients.TransientOps.is(c)) {
                var t = transients;
                if (t != null) {
                    t.apply(c);
                }
                return;
            }
            ChangeReplay.apply(c, w);
        } catch (RuntimeException e) {
            // the store has it; memory differs only until the next restart, which restores from the store
            LOG.warn("cannot apply {} from node {} to this node's memory: {}", c.op(), c.origin(), e.getMessage());
        }
    }

    /** Waits until every change queued so far is applied (tests, shutdown). */
    public void drain() {
        try {
            thread.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("draining the applier", e);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
