package io.warren.cluster;

import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.QuorumMembership;
import io.warren.broker.error.AmqpException;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.quorum.front.ShardPlacement;
import io.warren.cluster.quorum.shard.QuorumTuning;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.state.AppliedState;
import io.warren.store.definitions.GlobalParameterRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out quorum shard membership changes from the node an operator asked. Adding a member: the catalogue's
 * next revision, naming the node, goes through the definitions log (refused there if another change came first);
 * every node follows it, so the new member opens the shard's group locally with the new configuration; then the
 * shard's leader is asked to take that configuration (Ratis's setConfiguration), which it commits once the new
 * member has caught up. Removing one goes the other way round: the leader commits a configuration without the node
 * first, and only then does the catalogue say so, upon which the removed node closes and deletes its replica.
 */
final class ShardMembership implements QuorumMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ShardMembership.class);
    /** How long a shard's leader is given to commit a new configuration (a new member catching up takes a while). */
    static final long CONFIGURE_MS = 60_000;

    private final String self;
    private final AppliedState state;
    private final Supplier<ShardCatalog> catalog;
    private final Consumer<DefinitionChange> commit;
    private final Function<String, Integer> quorumPort;
    private final Supplier<Map<String, String>> members;
    private final Supplier<RaftGroup> definitions;

    /**
     * @param commit     submits a change to the definitions log; throws when it is refused or not committed
     * @param quorumPort a node's quorum port as it told it, or null while it has not (asking it)
     * @param members    the cluster's members now, each with the host:port of its cluster traffic
     * @param definitions the definitions group with its members now (to ask a node that joined later its port)
     */
    ShardMembership(String self, AppliedState state, Supplier<ShardCatalog> catalog, Consumer<DefinitionChange> commit,
                    Function<String, Integer> quorumPort, Supplier<Map<String, String>> members,
                    Supplier<RaftGroup> definitions) {
        this.self = self;
        this.state = state;
        this.catalog = catalog;
        this.commit = commit;
        this.quorumPort = quorumPort;
        this.members = members;
        this.definitions = definitions;
    }

    @Override
    public synchronized MembershipChange addMember(String vhost, String queue, String node) {
        int shard = shardOf(vhost, queue);
        ShardCatalog c = formed();
        if (c.shard(shard).members().contains(node)) {
            // already recorded: make sure the shard's configuration has it too (an earlier call may have timed out)
            awaitOpen(c, shard, node);
            configure(c, c, shard, "add node " + node + " to", false);
            return new MembershipChange(node, List.of(change(c, shard)), List.of("node '" + node + "' was a "
                    + "member of shard " + shard + " already"));
        }
        return new MembershipChange(node, List.of(add(shard, node)), List.of());
    }

    @Override
    public synchronized MembershipChange deleteMember(String vhost, String queue, String node) {
        int shard = shardOf(vhost, queue);
        ShardCatalog.Shard s = formed().shard(shard);
        if (!s.members().contains(node)) {
            throw AdminException.notFound("node '%s' is not a member of quorum queue '%s' in vhost '%s' (shard %d: "
                    + "%s)", node, queue, vhost, shard, s.members());
        }
        if (s.members().size() == 1) {
            throw AdminException.badRequest("node '%s' is the last member of quorum queue '%s' in vhost '%s' (shard "
                    + "%d): a shard cannot lose its last replica; add another member first", node, queue, vhost, shard);
        }
        return new MembershipChange(node, List.of(remove(shard, node)), List.of());
    }

    @Override
    public synchronized MembershipChange grow(String node, String strategy) {
        if (!"all".equals(strategy) && !"even".equals(strategy)) {
            throw AdminException.badRequest("strategy must be 'all' (every shard the node does not replicate) or "
                    + "'even' (those with an even number of members), not '%s'", strategy);
        }
        List<ShardChange> done = new ArrayList<>();
        for (ShardCatalog.Shard s : formed().shards()) {
            ShardCatalog.Shard now = formed().shard(s.id());
            if (now.members().contains(node) || "even".equals(strategy) && now.members().size() % 2 != 0) {
                continue;
            }
            done.add(add(s.id(), node));
        }
        return new MembershipChange(node, done, List.of());
    }

    @Override
    public synchronized MembershipChange shrink(String node) {
        List<ShardChange> done = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ShardCatalog.Shard s : formed().shards()) {
            ShardCatalog.Shard now = formed().shard(s.id());
            if (!now.members().contains(node)) {
                continue;
            }
            if (now.members().size() == 1) {
                skipped.add("shard " + s.id() + ": node '" + node + "' is its last member");
                continue;
            }
            done.add(remove(s.id(), node));
        }
        return new MembershipChange(node, done, skipped);
    }

    private ShardChange add(int shard, String node) {
        ShardCatalog before = formed();
        String address = before.addresses().get(node);
        if (address == null) {
            address = quorumAddress(node);
        }
        List<String> members = new ArrayList<>(before.shard(shard).members());
        members.add(node);
        ShardCatalog after = before.withMembers(shard, members, node, address);
        record(after); // the new member opens the group with the new configuration
        awaitOpen(after, shard, node); // before the leader sends it anything (Ratis races a start with appends)
        configure(before, after, shard, "add node " + node + " to", false);
        return change(after, shard);
    }

    private ShardChange remove(int shard, String node) {
        ShardCatalog before = formed();
        List<String> members = new ArrayList<>(before.shard(shard).members());
        members.remove(node);
        ShardCatalog after = before.withMembers(shard, members, null, null);
        // before the node drops its replica; only from the configuration the catalogue says (see configure)
        configure(before, after, shard, "remove node " + node + " from", true);
        record(after);
        return change(after, shard);
    }

    private ShardChange change(ShardCatalog after, int shard) {
        return new ShardChange(shard, after.shard(shard).members(), state.queuesOf(ShardPlacement.mark(shard))
                .stream().map(q -> new QueueRef(q.vhost(), q.name()))
                .sorted(java.util.Comparator.comparing(QueueRef::vhost).thenComparing(QueueRef::name)).toList());
    }

    /** The queue's shard, or 404 when the queue is no quorum queue this node knows. */
    private int shardOf(String vhost, String queue) {
        formed();
        Integer shard = ShardPlacement.shardOf(state.queueNode(vhost, queue));
        if (shard == null || formed().shard(shard) == null) {
            throw AdminException.notFound("no quorum queue '%s' in vhost '%s'", queue, vhost);
        }
        return shard;
    }

    private ShardCatalog formed() {
        ShardCatalog c = catalog.get();
        if (c == null) {
            throw AdminException.badRequest("this cluster has no quorum shards (formed by 2 or more initial members; "
                    + "see docs/quorum.md): there is no membership to change");
        }
        return c;
    }

    /** Where the node's quorum server listens: its cluster host, and the port it tells (waited for up to 10 s). */
    private String quorumAddress(String node) {
        String cluster = members.get().get(node);
        if (cluster == null) {
            throw AdminException.notFound("no node '%s' in the cluster (members: %s)", node, members.get().keySet());
        }
        String host = cluster.substring(0, cluster.lastIndexOf(':'));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Integer port = quorumPort.apply(node);
        while (port == null && System.nanoTime() < until) {
            port = askPort(node); // a node that joined later is not among the ports' asker's peers
            if (port == null) {
                sleep(300);
                port = quorumPort.apply(node);
            }
        }
        if (port == null) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "node '" + node + "' has not told its quorum "
                    + "port (is it running?); nothing was changed");
        }
        return host + ":" + port;
    }

    /** Asks the node's definitions state machine for its quorum port now (a stale read), or null. */
    private Integer askPort(String node) {
        try (RaftClient client = RaftClient.newBuilder().setProperties(io.warren.cluster.raft.RaftTuning.client())
                .setRaftGroup(definitions.get()).setRetryPolicy(RetryPolicies.noRetry()).build()) {
            RaftClientReply reply = client.io().sendStaleRead(org.apache.ratis.protocol.Message.valueOf(
                    io.warren.cluster.state.DefinitionStateMachine.QUORUM_PORT_QUERY), 0,
                    org.apache.ratis.protocol.RaftPeerId.valueOf(node));
            return reply.isSuccess() ? Integer.valueOf(reply.getMessage().getContent().toStringUtf8()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The catalogue's next revision through the definitions log, then until this node has applied it. */
    private void record(ShardCatalog after) {
        try {
            commit.accept(new DefinitionChange("putGlobalParameter", self, 0, DefinitionChange.json(
                    new GlobalParameterRow(AppliedState.QUORUM_SHARDS_UPDATE, after.toJson())), null, null));
        } catch (AmqpException e) {
            throw new AdminException(e.replyCode() == io.warren.codec.ReplyCodes.PRECONDITION_FAILED
                    ? AdminException.Kind.BAD_REQUEST : AdminException.Kind.UNAVAILABLE, e.getMessage());
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (catalog.get().revision() < after.revision() && System.nanoTime() < until) {
            sleep(20);
        }
        LOG.info("quorum shard catalogue revision {}: {}", after.revision(), after.shards());
    }

    /** Waits until the node reports the shard's group open (Ratis's group info), for up to 60 s. */
    private void awaitOpen(ShardCatalog after, int shard, String node) {
        RaftGroup group = after.group(after.shard(shard));
        RaftPeer peer = group.getPeer(org.apache.ratis.protocol.RaftPeerId.valueOf(node));
        String failure = "no answer";
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONFIGURE_MS);
        try (RaftClient client = RaftClient.newBuilder().setProperties(QuorumTuning.client()).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.noRetry()).build()) {
            while (System.nanoTime() < until) {
                try {
                    if (client.getGroupManagementApi(peer.getId()).info(group.getGroupId()).isSuccess()) {
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e.toString();
                }
                sleep(300);
            }
        } catch (IOException e) {
            failure = e.toString();
        }
        throw new AdminException(AdminException.Kind.UNAVAILABLE, "node '" + node + "' has not opened quorum shard "
                + shard + " within " + CONFIGURE_MS / 1000 + " s (" + failure + "); the catalogue names it (revision "
                + after.revision() + "): run the command again once the node runs");
    }

    /**
     * Asks the shard's leader to take the new catalogue's configuration of the shard, until it has or 60 s passed.
     * With {@code compare} (a removal, which runs before its catalogue revision is recorded) only from the
     * configuration of the catalogue it was made from (Ratis's compare-and-set), so a removal racing another change
     * of the shard cannot undo it; a configuration that is already the new one counts as done (a re-run).
     */
    private void configure(ShardCatalog before, ShardCatalog after, int shard, String what, boolean compare) {
        RaftGroup target = after.group(after.shard(shard));
        Map<Object, RaftPeer> known = new LinkedHashMap<>();
        before.group(before.shard(shard)).getPeers().forEach(p -> known.put(p.getId(), p));
        target.getPeers().forEach(p -> known.putIfAbsent(p.getId(), p));
        List<RaftPeer> peers = new ArrayList<>(target.getPeers());
        String failure = "no answer";
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONFIGURE_MS);
        try (RaftClient client = RaftClient.newBuilder().setProperties(QuorumTuning.client())
                .setRaftGroup(RaftGroup.valueOf(target.getGroupId(), known.values()))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
                        TimeDuration.valueOf(300, TimeUnit.MILLISECONDS)))
                .build()) {
            while (System.nanoTime() < until) {
                Throwable problem;
                try {
                    RaftClientReply reply = compare
                            ? compareAndSet(client, before.group(before.shard(shard)).getPeers(), peers)
                            : client.admin().setConfiguration(peers);
                    if (reply.isSuccess()) {
                        LOG.info("quorum shard {} members are now {} ({} it)", shard,
                                after.shard(shard).members(), what);
                        return;
                    }
                    problem = reply.getException();
                } catch (IOException | RuntimeException e) {
                    problem = e;
                }
                failure = String.valueOf(problem);
                if (compare && notTheCurrent(problem)) {
                    if (isSet(client, peers)) {
                        return; // done by an earlier try whose answer was lost
                    }
                    throw AdminException.badRequest("cannot %s quorum shard %d: its Raft configuration is not the "
                            + "one the catalogue (revision %d) gives it, so another change of the shard is under way "
                            + "or did not finish; nothing was changed: try again in a moment, or run add_member again "
                            + "to finish an add that timed out", what, shard, before.revision());
                }
                sleep(1000);
            }
        } catch (IOException e) {
            failure = e.toString();
        }
        throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot " + what + " quorum shard " + shard
                + " within " + CONFIGURE_MS / 1000 + " s (are a majority of its members " + known.keySet()
                + " running?): " + failure + "; the catalogue is at revision " + catalog.get().revision()
                + ", run the command again to finish");
    }

    /** Whether Ratis refused a compare-and-set because the configuration is another. */
    private static boolean notTheCurrent(Throwable problem) {
        for (Throwable t = problem; t != null; t = t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.SetConfigurationException
                    && String.valueOf(t.getMessage()).contains("current configuration")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the shard's configuration is these peers already (a compare-and-set from them to them passes). */
    private static boolean isSet(RaftClient client, List<RaftPeer> peers) {
        try {
            return compareAndSet(client, peers, peers).isSuccess();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static RaftClientReply compareAndSet(RaftClient client, java.util.Collection<RaftPeer> current,
                                                 List<RaftPeer> next) throws IOException {
        return client.admin().setConfiguration(org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(new ArrayList<>(current)).setServersInNewConf(next)
                .setMode(org.apache.ratis.protocol.SetConfigurationRequest.Mode.COMPARE_AND_SET).build());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted");
        }
    }
}
