package io.warren.cluster.state;

import io.warren.cluster.log.DefinitionChange;
import io.warren.codec.ReplyCodes;
import io.warren.store.definitions.BindingRow;
import io.warren.store.definitions.ExchangeRow;
import io.warren.store.definitions.QueueRow;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.VhostRow;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the state machine checks a change against: the vhosts, durable exchanges and queues the log has made so
 * far (the same on every node at the same index, since every node applies the same entries in the same order), and
 * each queue's home node. A change two nodes made at once that no longer fits when its turn comes (a queue
 * declared with other arguments first, a binding whose queue was deleted first) is refused on every node alike,
 * and its origin tells its client.
 */
public final class AppliedState {
    /** Why a change was refused: an AMQP reply code and text. */
    public record Refusal(int replyCode, String text) {
    }

    private final Set<String> vhosts = ConcurrentHashMap.newKeySet();
    private final Map<String, ExchangeRow> exchanges = new ConcurrentHashMap<>();
    private final Map<String, QueueRow> queues = new ConcurrentHashMap<>();
    private final TransientState transients = new TransientState(this);
    /**
     * The global parameter that holds the cluster's quorum-queue shard catalogue (JSON). Written once, when the
     * cluster forms: the first put in the log takes effect, a later put keeps it (as a redeclared queue keeps its
     * first home), and a delete is refused alike on every node.
     */
    public static final String QUORUM_SHARDS = "warren_quorum_shards";
    /**
     * The name a membership change submits the catalogue's next revision under. Checked when its turn comes in the
     * log: taken (as {@link #QUORUM_SHARDS}) only when it is the revision after the one in force, so of two changes
     * made from the same revision the second is refused on every node alike and changes nothing.
     */
    public static final String QUORUM_SHARDS_UPDATE = "warren_quorum_shards_update";
    private volatile String quorumShards;
    private volatile java.util.function.Consumer<String> quorumShardsListener = v -> { };
    /**
     * Definitions-log indexes of queue declarations and deletions applied in this run, for the quorum shards' attach
     * and detach commands (which must carry the same index on every node). A queue restored from the store has no
     * index here: {@link #restoredAt} stands in for it (its declaration is no later, its deletion later).
     */
    private final Map<String, Long> declaredAt = new ConcurrentHashMap<>();
    private final Map<String, Long> deletedAt = new ConcurrentHashMap<>();
    private volatile long restoredAt = -1;
    private final LoggedPolicies policies = new LoggedPolicies();

    /** Starts over from stored definitions (start-up, an installed snapshot). */
    public void reset(StoredDefinitions stored) {
        transients.clear();
        vhosts.clear();
        exchanges.clear();
        queues.clear();
        stored.vhosts().forEach(v -> vhosts.add(v.name()));
        stored.exchanges().forEach(x -> exchanges.put(key(x.vhost(), x.name()), x));
        stored.queues().forEach(q -> queues.put(key(q.vhost(), q.name()), q));
        quorumShards = stored.globalParameters().stream().filter(g -> g.name().equals(QUORUM_SHARDS))
                .map(io.warren.store.definitions.GlobalParameterRow::valueJson).findFirst().orElse(null);
        policies.reset(stored.policies());
        if (quorumShards != null) {
            quorumShardsListener.accept(quorumShards);
        }
    }

    /** The store held the log up to this index when the state was last reset from it. */
    public void restoredAt(long index) {
        restoredAt = index;
        policies.restoredAt(index);
    }

    /**
     * An index of the definitions log at or after the queue's declaration and before its deletion (-1 when the
     * queue is not recorded, or restored from a store whose index is not known yet).
     */
    public long declaredAt(String vhost, String queue) {
        String k = key(vhost, queue);
        Long at = declaredAt.get(k);
        if (at != null) {
            return at;
        }
        return queues.containsKey(k) ? restoredAt : -1;
    }

    /** The index of the queue's latest deletion (or its vhost's) applied in this run, or -1. */
    public long deletedAt(String vhost, String queue) {
        return Math.max(deletedAt.getOrDefault(key(vhost, queue), -1L), deletedAt.getOrDefault(vhost + "\u0000",
                -1L));
    }

    /** Takes in a change applied at this index of the log. */
    public void applied(DefinitionChange c, long index) {
        if ("putQueue".equals(c.op())) {
            QueueRow q = c.row(QueueRow.class);
            if (!queues.containsKey(key(q.vhost(), q.name()))) {
                declaredAt.put(key(q.vhost(), q.name()), index);
            }
        } else if ("deleteQueue".equals(c.op())) {
            deletedAt.put(key(c.key(0), c.key(1)), index);
            declaredAt.remove(key(c.key(0), c.key(1)));
        } else if ("deleteVhost".equals(c.op())) {
            deletedAt.put(c.key(0) + "\u0000", index);
            declaredAt.keySet().removeIf(k -> k.startsWith(c.key(0) + "\u0000"));
        }
        policies.applied(c, index);
        applied(c);
    }

    /** Each vhost's policies as the log has made them, with the index they are current at (quorum queues). */
    public LoggedPolicies policies() {
        return policies;
    }

    /** The shard catalogue's JSON as the log has made it so far, or null before the cluster formed one. */
    public String quorumShards() {
        return quorumShards;
    }

    /**
     * Told the catalogue's JSON whenever the log (or a snapshot, or the store at start) sets it; called on the
     * thread that applies the log, so it must not block.
     */
    public void onQuorumShards(java.util.function.Consumer<String> listener) {
        this.quorumShardsListener = listener;
    }

    private static String key(String vhost, String name) {
        return vhost + "\u0000" + name;
    }

    /** The node a queue lives on, or null when no such queue is recorded (or it has no home: a single node's). */
    public String queueNode(String vhost, String queue) {
        QueueRow q = queues.get(key(vhost, queue));
        if (q == null) {
            var t = transients.queue(vhost, queue);
            return t == null ? null : t.node();
        }
        return q.node();
    }

    /** The transient exchanges, queues and bindings the log has made so far. */
    public TransientState transients() {
        return transients;
    }

    boolean hasExchange(String vhost, String name) {
        return exchanges.containsKey(key(vhost, name));
    }

    boolean hasQueue(String vhost, String name) {
        return queues.containsKey(key(vhost, name));
    }

    /** The durable queues whose row names this node (or shard mark). */
    public java.util.List<QueueRow> queuesOf(String node) {
        return queues.values().stream().filter(q -> node.equals(q.node())).toList();
    }

    /** How many queues each node is home to (nodes with none are absent). */
    public Map<String, Integer> queuesPerNode() {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (QueueRow q : queues.values()) {
            if (q.node() != null) {
                out.merge(q.node(), 1, Integer::sum);
            }
        }
        return out;
    }

    /**
     * The change as it is to be applied (a redeclared queue keeps its first home), or throws {@link Refused} when
     * it does not fit what the log has made so far.
     */
    public DefinitionChange check(DefinitionChange c) {
        switch (c.op()) {
            case "putExchange" -> {
                ExchangeRow x = c.row(ExchangeRow.class);
                needVhost(x.vhost(), "exchange '" + x.name() + "'");
                ExchangeRow old = exchanges.get(key(x.vhost(), x.name()));
                if (old != null && !old.equals(x) || transients.hasExchange(x.vhost(), x.name())) {
                    throw refused(ReplyCodes.PRECONDITION_FAILED, "exchange '%s' in vhost '%s' was declared "
                            + "differently on another node at the same time (type %s, arguments %s)", x.name(),
                            x.vhost(), old == null ? "transient" : old.type(),
                            old == null ? "{}" : old.argumentsJson());
                }
            }
            case "putQueue" -> {
                QueueRow q = c.row(QueueRow.class);
                needVhost(q.vhost(), "queue '" + q.name() + "'");
                QueueRow old = queues.get(key(q.vhost(), q.name()));
                if (transients.queue(q.vhost(), q.name()) != null) {
                    throw refused(ReplyCodes.PRECONDITION_FAILED, "queue '%s' in vhost '%s' was declared "
                            + "differently on another node at the same time (transient)", q.name(), q.vhost());
                }
                if (old != null) {
                    if (old.autoDelete() != q.autoDelete() || !old.argumentsJson().equals(q.argumentsJson())) {
                        throw refused(ReplyCodes.PRECONDITION_FAILED, "queue '%s' in vhost '%s' was declared "
                                + "differently on another node at the same time (arguments %s)", q.name(), q.vhost(),
                                old.argumentsJson());
                    }
                    return c.withRow(q.withNode(old.node()));
                }
            }
            case "putBinding" -> {
                BindingRow b = c.row(BindingRow.class);
                needVhost(b.vhost(), "binding from '" + b.source() + "'");
                if (!exchanges.containsKey(key(b.vhost(), b.source()))) {
                    throw refused(ReplyCodes.NOT_FOUND, "no exchange '%s' in vhost '%s': it was deleted on another "
                            + "node", b.source(), b.vhost());
                }
                boolean toQueue = b.destinationType() == BindingRow.DestinationType.QUEUE;
                if (!(toQueue ? queues : exchanges).containsKey(key(b.vhost(), b.destination()))) {
                    throw refused(ReplyCodes.NOT_FOUND, "no %s '%s' in vhost '%s': it was deleted on another node",
                            toQueue ? "queue" : "exchange", b.destination(), b.vhost());
                }
            }
            case "putGlobalParameter" -> {
                var g = c.row(io.warren.store.definitions.GlobalParameterRow.class);
                String had = quorumShards;
                if (g.name().equals(QUORUM_SHARDS_UPDATE)) {
                    CatalogRevision.checkUpdate(had, g.valueJson());
                    return c.withRow(new io.warren.store.definitions.GlobalParameterRow(QUORUM_SHARDS, g.valueJson()));
                }
                if (g.name().equals(QUORUM_SHARDS) && had != null && !had.equals(g.valueJson())) {
                    // another node's plan, or a definitions import from another cluster: the first one stays
                    return c.withRow(new io.warren.store.definitions.GlobalParameterRow(QUORUM_SHARDS, had));
                }
            }
            case "deleteGlobalParameter" -> {
                if (QUORUM_SHARDS.equals(c.key(0))) {
                    throw refused(ReplyCodes.PRECONDITION_FAILED, "global parameter '%s' (the quorum-queue shards) "
                            + "cannot be deleted", QUORUM_SHARDS);
                }
            }
            case "putPolicy", "putPermission", "putVhostMetadata", "putTopicPermission", "putParameter" -> {
                String vhost = c.row().path("vhost").asText(null);
                if (vhost != null) {
                    needVhost(vhost, c.op().substring(3).toLowerCase());
                }
            }
            default -> {
            }
        }
        return c;
    }

    void needVhost(String vhost, String what) {
        if (!vhosts.contains(vhost)) {
            throw refused(ReplyCodes.NOT_FOUND, "no vhost '%s' for %s: it was deleted on another node", vhost, what);
        }
    }

    /** Takes in a change that was checked and applied to the store. */
    public void applied(DefinitionChange c) {
        switch (c.op()) {
            case "putVhost" -> vhosts.add(c.row(VhostRow.class).name());
            case "deleteVhost" -> {
                String prefix = c.key(0) + "\u0000";
                vhosts.remove(c.key(0));
                exchanges.keySet().removeIf(k -> k.startsWith(prefix));
                queues.keySet().removeIf(k -> k.startsWith(prefix));
                transients.vhostGone(c.key(0));
            }
            case "putExchange" -> {
                ExchangeRow x = c.row(ExchangeRow.class);
                exchanges.put(key(x.vhost(), x.name()), x);
            }
            case "deleteExchange" -> {
                exchanges.remove(key(c.key(0), c.key(1)));
                transients.exchangeGone(c.key(0), c.key(1));
            }
            case "putQueue" -> {
                QueueRow q = c.row(QueueRow.class);
                queues.put(key(q.vhost(), q.name()), q);
            }
            case "deleteQueue" -> {
                queues.remove(key(c.key(0), c.key(1)));
                transients.queueGone(c.key(0), c.key(1));
            }
            case "putGlobalParameter" -> {
                var g = c.row(io.warren.store.definitions.GlobalParameterRow.class);
                if (g.name().equals(QUORUM_SHARDS) && (quorumShards == null
                        || CatalogRevision.of(g.valueJson()) > CatalogRevision.of(quorumShards))) {
                    quorumShards = g.valueJson();
                    quorumShardsListener.accept(quorumShards);
                }
            }
            default -> {
            }
        }
    }

    static Refused refused(int code, String format, Object... args) {
        return new Refused(new Refusal(code, String.format(format, args)));
    }

    /** A change that does not fit the applied state. */
    public static final class Refused extends RuntimeException {
        private final Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.text(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }
}
