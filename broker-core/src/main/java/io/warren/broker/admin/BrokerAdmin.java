package io.warren.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.warren.broker.Broker;
import io.warren.broker.definitions.DefinitionsLoader;
import io.warren.broker.stats.ChannelCounters;
import io.warren.broker.stats.ChurnCounters;
import io.warren.broker.stats.MessageTotals;
import java.net.InetAddress;
import java.nio.file.Path;
import io.warren.broker.alarm.AlarmStatus;
import io.warren.store.SyncStats;
import java.util.List;
import java.util.UUID;

/**
 * The narrow read/admin face of a running broker that operators' tools (the management API, the console,
 * metrics) use instead of the broker's internals. Every method may be called from any thread; work that must run
 * on a queue's or connection's own thread is handed there.
 */
public final class BrokerAdmin {
    private final Broker broker;
    private final AccessAdmin access;
    private final TopologyAdmin topology;
    private final MessageAdmin messages;
    private final ConnectionAdmin connections;
    private final PolicyStore policies;
    private final SettingsAdmin settings;
    private final SuperStreamAdmin superStreams;
    private final String nodeName;
    private final ClusterView cluster;

    /** The admin face of a broker not in a cluster. */
    public BrokerAdmin(Broker broker) {
        this(broker, ClusterView.singleNode(defaultNodeName()));
    }

    /** The admin face of a broker that is one node of a cluster. */
    public BrokerAdmin(Broker broker, ClusterView cluster) {
        this.broker = broker;
        this.access = new AccessAdmin(broker);
        this.topology = new TopologyAdmin(broker);
        this.messages = new MessageAdmin(topology);
        this.connections = new ConnectionAdmin(broker);
        this.policies = new PolicyStore(broker);
        this.settings = new SettingsAdmin(broker);
        this.superStreams = new SuperStreamAdmin(topology);
        this.cluster = cluster;
        this.nodeName = cluster.nodeName();
    }

    /** The name a node has when none is given: warren@ and the host's name, as RabbitMQ's rabbit@host. */
    public static String defaultNodeName() {
        return "warren@" + hostName();
    }

    /** The cluster this node belongs to (a cluster of one when it was started without cluster flags). */
    public ClusterView cluster() {
        return cluster;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    public AccessAdmin access() {
        return access;
    }

    public TopologyAdmin topology() {
        return topology;
    }

    public MessageAdmin messages() {
        return messages;
    }

    public ConnectionAdmin connections() {
        return connections;
    }

    public PolicyStore policies() {
        return policies;
    }

    /** Limits, topic permissions, runtime and global parameters, vhost metadata. */
    public SuperStreamAdmin superStreams() {
        return superStreams;
    }

    public SettingsAdmin settings() {
        return settings;
    }

    /** Deletes a vhost with everything in it: connections, queues, permissions and policies. */
    public void deleteVhost(String name) {
        access.deleteVhost(name);
    }

    /** The resource alarms in effect. */
    public List<AlarmView> alarms() {
        return broker.alarms().active().stream().map(r -> new AlarmView(r.label(), nodeName)).toList();
    }

    /** The memory and disk measurements behind the alarms, and their limits. */
    public AlarmStatus alarmStatus() {
        return broker.alarms().status();
    }

    /** The message store's group commits so far: count, time spent in fsync, slowest one. */
    public SyncStats syncStats() {
        return broker.syncStats();
    }

    public MessageTotalsView totals() {
        MessageTotals t = broker.messageTotals();
        long[] s = t.sum();
        return new MessageTotalsView(s[ChannelCounters.PUBLISHED], s[ChannelCounters.CONFIRMED],
                s[ChannelCounters.RETURNED], s[ChannelCounters.DELIVERED], s[ChannelCounters.DELIVERED_NO_ACK],
                s[ChannelCounters.GOT], s[ChannelCounters.GOT_NO_ACK], s[ChannelCounters.ACKED],
                s[ChannelCounters.REDELIVERED], s[ChannelCounters.REJECTED], t.deadLettered());
    }

    /**
     * The message totals of the whole cluster: this node's and every other member's as last reported (a member gone
     * silent keeps its last totals, so the sum never drops while it is away). A single node: {@link #totals()}.
     */
    public MessageTotalsView clusterTotals() {
        MessageTotalsView sum = totals();
        for (NodeStatusView n : cluster.otherNodes()) {
            sum = sum.plus(n.totals());
        }
        return sum;
    }

    /** Churn, publish outcomes and the counts beside {@link #totals()}; cheap: no queue is visited. */
    public BrokerCountersView counters() {
        MessageTotals t = broker.messageTotals();
        long[] s = t.sum();
        ChurnCounters churn = broker.churn();
        return new BrokerCountersView(churn.connectionsOpened(), churn.connectionsClosed(), t.channelsOpened(),
                t.channelsClosed(), churn.queuesDeclared(), churn.queuesCreated(), churn.queuesDeleted(),
                s[ChannelCounters.ROUTED], s[ChannelCounters.ENQUEUED], s[ChannelCounters.DROPPED],
                s[ChannelCounters.GET_EMPTY], s[ChannelCounters.CONFIRM_ACKED], t.unconfirmed(), t.publishers(),
                broker.connections().size());
    }

    /** The cluster's name: the global parameter cluster_name when set (as in RabbitMQ), else this node's name. */
    public String clusterName() {
        JsonNode n = broker.parameters().globalParameter("cluster_name");
        return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : nodeName;
    }

    /**
     * An identifier that stays with this broker's data for good, whatever its name: kept, as RabbitMQ keeps its
     * own, in the global parameter internal_cluster_id, which is made on first use (in a cluster, with the
     * cluster's defaults).
     */
    public String clusterPermanentId() {
        JsonNode id;
        if (cluster.clustered()) {
            // a cluster makes it once for all its nodes, with its defaults; until those are committed there is none
            id = broker.parameters().globalParameter(CLUSTER_ID_PARAMETER);
            if (id == null) {
                return "";
            }
        } else {
            id = broker.parameters().globalParameterIfAbsent(CLUSTER_ID_PARAMETER, BrokerAdmin::newClusterId);
        }
        return id.isTextual() ? id.asText() : id.toString();
    }

    /** The global parameter that holds the cluster's permanent id, as in RabbitMQ. */
    public static final String CLUSTER_ID_PARAMETER = "internal_cluster_id";

    /** A new permanent cluster id. */
    public static JsonNode newClusterId() {
        return TextNode.valueOf("warren-cluster-id-" + UUID.randomUUID());
    }

    /** This node's name, RabbitMQ style. */
    public String nodeName() {
        return nodeName;
    }

    /** The plain AMQP listener's port, or -1 when it is off. */
    public int amqpPort() {
        return broker.port();
    }

    /** The AMQPS listener's port, or -1 when TLS is not configured. */
    public int amqpsPort() {
        return broker.tlsPort();
    }

    /** The address the AMQP listeners are bound to. */
    public String bindAddress() {
        return broker.config().bindAddress();
    }

    public Path dataDir() {
        return broker.config().dataDir();
    }

    /**
     * Applies definitions in RabbitMQ's export format: vhosts, users, permissions, exchanges, queues, bindings and
     * policies. What exists already and is equivalent is left alone.
     */
    public void importDefinitions(JsonNode root) {
        try {
            new DefinitionsLoader(broker).load(root);
        } catch (DefinitionsLoader.DefinitionsException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
    }
}
