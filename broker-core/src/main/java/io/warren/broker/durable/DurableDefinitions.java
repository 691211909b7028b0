package io.warren.broker.durable;

import io.warren.store.definitions.DefinitionStore;
import io.warren.store.definitions.StoredDefinitions;
import java.nio.file.Path;
import java.util.List;

/** A broker's definitions store and the journal that writes to it, opened and closed together. */
public final class DurableDefinitions implements AutoCloseable {
    /** The store's directory under the broker's data directory. */
    public static final String DIRECTORY = "definitions";

    private final DefinitionStore store;
    private final StoreJournal journal;

    private DurableDefinitions(DefinitionStore store, DefinitionReplication replication) {
        this.store = store;
        this.journal = store == null ? null : new StoreJournal(replication.writer(store), replication.transients());
    }

    /** Opens the store under the data directory; with none (null), definitions live in memory only. */
    public static DurableDefinitions open(Path dataDir) {
        return open(dataDir, DefinitionReplication.LOCAL);
    }

    /** Opens the store under the data directory, the journal writing through the replication's writer. */
    public static DurableDefinitions open(Path dataDir, DefinitionReplication replication) {
        return new DurableDefinitions(dataDir == null ? null : DefinitionStore.open(dataDir.resolve(DIRECTORY)),
                replication);
    }

    /** The journal for vhosts and the user registry; it records once {@link #startRecording()} is called. */
    public DefinitionJournal journal() {
        return journal == null ? DefinitionJournal.NONE : journal;
    }

    /** What the store holds (nothing without a store). */
    public StoredDefinitions load() {
        return store == null ? new StoredDefinitions(List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of()) : store.loadAll();
    }

    /** From now on, changes are written down: the stored definitions have been replayed. */
    public void startRecording() {
        if (journal != null) {
            journal.startRecording();
        }
    }

    /** From now on, changes are forgotten: the broker is shutting down and tearing its state down. */
    public void stopRecording() {
        if (journal != null) {
            journal.stopRecording();
        }
    }

    @Override
    public void close() {
        stopRecording();
        if (store != null) {
            store.close();
        }
    }
}
