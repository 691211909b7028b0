package io.warren.cluster.quorum.shard;

import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.state.AppliedState;
import io.warren.store.definitions.GlobalParameterRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forms the cluster's shard catalogue: while the definitions log has none, each initial member asks the others for
 * their quorum port, plans the catalogue over the initial members and submits it as the global parameter
 * {@link AppliedState#QUORUM_SHARDS}. The first in the log takes effect and later ones change nothing, as with
 * the cluster's defaults. A member that has not answered within {@link #ASK_FOR} is assumed
 * to listen on its cluster port + 2.
 */
public final class ShardFormation {
    /** An initial member: its name, and the host and port of its cluster (definitions) traffic. */
    public record Member(String name, String host, int clusterPort) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ShardFormation.class);
    /** How long the other members' quorum ports are waited for before the default is assumed. */
    static final long ASK_FOR_MS = 30_000;

    private final String self;
    private final List<Member> members;
    private final int ownPort;
    private final Function<String, Integer> askPort;
    private final Supplier<String> formed;
    private final Consumer<DefinitionChange> commit;
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param members the cluster's initial members, in their listed order
     * @param ownPort this node's quorum port
     * @param askPort a member's quorum port as it answered, or null until it has (asking again)
     * @param formed  the catalogue the log holds, or null
     * @param commit  submits a change to the definitions log; throws when it is refused or not committed
     */
    public ShardFormation(String self, List<Member> members, int ownPort, Function<String, Integer> askPort,
                          Supplier<String> formed, Consumer<DefinitionChange> commit) {
        this.self = self;
        this.members = List.copyOf(members);
        this.ownPort = ownPort;
        this.askPort = askPort;
        this.formed = formed;
        this.commit = commit;
    }

    /** The catalogue planned from the ports known now; members not heard from get their cluster port + 2. */
    ShardCatalog plan(boolean assumeDefaults) {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (Member m : members) {
            Integer port = m.name().equals(self) ? Integer.valueOf(ownPort) : askPort.apply(m.name());
            if (port == null) {
                if (!assumeDefaults) {
                    return null;
                }
                port = m.clusterPort() + 2;
                LOG.warn("node {} has not told its quorum port: assuming its cluster port + 2 ({})", m.name(), port);
            }
            addresses.put(m.name(), m.host() + ":" + port);
        }
        return ShardCatalog.plan(addresses);
    }

    /** Submits the catalogue in the background until the log has one. */
    public void start() {
        thread = new Thread(this::run, "warren-quorum-formation");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long since = System.nanoTime();
        while (!closed && formed.get() == null) {
            ShardCatalog plan = plan(System.nanoTime() - since > ASK_FOR_MS * 1_000_000);
            if (plan != null) {
                try {
                    commit.accept(new DefinitionChange("putGlobalParameter", self, 0,
                            DefinitionChange.json(new GlobalParameterRow(AppliedState.QUORUM_SHARDS, plan.toJson())),
                            null, null));
                    if (plan.toJson().equals(formed.get())) {
                        LOG.info("quorum shard catalogue in the log: {} shards over {}", plan.shards().size(),
                                plan.addresses());
                    }
                } catch (RuntimeException e) {
                    // no majority yet, or another node's catalogue came first (then formed() says so)
                    LOG.debug("quorum shard catalogue not committed: {}", e.getMessage());
                }
            }
            try {
                Thread.sleep(plan == null ? 200 : 1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
