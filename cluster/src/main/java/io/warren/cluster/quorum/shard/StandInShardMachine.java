package io.warren.cluster.quorum.shard;

import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.CommandCodec;
import io.warren.cluster.quorum.state.ShardState;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * A shard's state machine until the real one (package quorum.raft) takes its place behind
 * {@link QuorumServer}'s factory: it applies each entry's {@link CommandBatch} to a {@link ShardState} in memory,
 * keeps no snapshot and stores no bodies, so a restart rebuilds the state from the whole log.
 */
public final class StandInShardMachine extends BaseStateMachine {
    private final ShardState state = new ShardState();

    @Override
    public synchronized CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        var entry = trx.getLogEntry();
        int effects;
        try {
            CommandBatch batch = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData()
                    .asReadOnlyByteBuffer());
            effects = state.apply(batch).size();
        } catch (RuntimeException e) {
            // the same entry fails alike on every replica: skipped everywhere, the log goes on
            updateLastAppliedTermIndex(TermIndex.valueOf(entry));
            return CompletableFuture.failedFuture(e);
        }
        updateLastAppliedTermIndex(TermIndex.valueOf(entry));
        return CompletableFuture.completedFuture(Message.valueOf(Integer.toString(effects)));
    }

    /** The state applied so far; read it under this machine's lock ({@link #read}). */
    public synchronized <T> T read(java.util.function.Function<ShardState, T> reader) {
        return reader.apply(state);
    }
}
