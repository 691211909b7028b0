package io.warren.cluster.quorum.state;

import java.util.List;

/** The commands of one Raft entry, possibly for many queues of the shard, applied in order. */
public record CommandBatch(List<Command> commands) {
    public CommandBatch {
        commands = List.copyOf(commands);
    }

    public static CommandBatch of(Command... commands) {
        return new CommandBatch(List.of(commands));
    }
}
