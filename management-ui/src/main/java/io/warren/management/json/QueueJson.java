package io.warren.management.json;

import io.warren.broker.admin.NodeConsumerView;
import io.warren.broker.admin.QueueView;
import io.warren.broker.admin.QuorumQueueView;
import io.warren.broker.queue.StreamStatus;
import io.warren.management.metrics.QueueRates;
import io.warren.management.metrics.RateSampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/** Queues in the shape of RabbitMQ's /api/queues. */
public final class QueueJson {
    private final RateSampler rates;
    private final BiFunction<String, String, String> node;
    private final Predicate<String> running;
    private final BiFunction<String, String, QuorumQueueView> quorum;

    /** node: the node a queue (vhost, name) lives on; running: whether a node is up (its queues then are too). */
    public QueueJson(RateSampler rates, BiFunction<String, String, String> node, Predicate<String> running) {
        this(rates, node, running, (vhost, name) -> null);
    }

    /** quorum: a quorum queue's leader, members and Raft figures (null when unknown), for those queues only. */
    public QueueJson(RateSampler rates, BiFunction<String, String, String> node, Predicate<String> running,
                     BiFunction<String, String, QuorumQueueView> quorum) {
        this.rates = rates;
        this.node = node;
        this.running = running;
        this.quorum = quorum;
    }

    public Map<String, Object> summary(QueueView q) {
        return summary(q, quorum(q));
    }

    private QuorumQueueView quorum(QueueView q) {
        return "quorum".equals(q.type()) ? quorum.apply(q.vhost(), q.name()) : null;
    }

    private Map<String, Object> summary(QueueView q, QuorumQueueView qq) {
        QueueRates r = rates.queue(q.vhost(), q.name());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", q.name());
        out.put("vhost", q.vhost());
        out.put("durable", q.durable());
        out.put("auto_delete", q.autoDelete());
        out.put("exclusive", q.exclusive());
        out.put("arguments", AmqpValues.toJson(q.arguments()));
        out.put("type", q.type());
        // as RabbitMQ: a quorum queue's node is its leader, and it lists its members and those online
        String home = qq != null ? qq.leader() : node.apply(q.vhost(), q.name());
        out.put("node", home);
        if (qq != null) {
            out.put("leader", qq.leader());
            out.put("members", qq.members());
            out.put("online", qq.online());
        }
        // as RabbitMQ: a queue whose node is down is "down" (its figures are the last its node reported)
        out.put("state", running.test(home) ? "running" : "down");
        // RabbitMQ's '' ("none") shows as null, on which rabbitmqadmin's table output crashes (against RabbitMQ
        // too); RabbitMQ leaves such fields out where it formats basic queue info and exchanges, so does Warren
        if (q.policy() != null) {
            out.put("policy", q.policy());
        }
        out.put("effective_policy_definition", AmqpValues.toJson(q.effectivePolicyDefinition()));
        out.put("consumers", q.consumers());
        Stats.put(out, "messages", q.messages(), r.rate(QueueRates.MESSAGES));
        Stats.put(out, "messages_ready", q.ready(), r.rate(QueueRates.MESSAGES_READY));
        Stats.put(out, "messages_unacknowledged", q.unacked(), r.rate(QueueRates.MESSAGES_UNACKNOWLEDGED));
        out.put("message_bytes_ready", q.readyBytes());
        if (q.stream() != null) {
            stream(out, q.stream());
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        Stats.put(stats, "publish", q.published(), r.rate(QueueRates.PUBLISH));
        Stats.put(stats, "deliver", q.delivered(), r.rate(QueueRates.DELIVER));
        Stats.put(stats, "get", q.got(), r.rate(QueueRates.GET));
        Stats.put(stats, "deliver_get", q.delivered() + q.got(), r.rate(QueueRates.DELIVER_GET));
        Stats.put(stats, "ack", q.acked(), r.rate(QueueRates.ACK));
        Stats.put(stats, "redeliver", q.redelivered(), r.rate(QueueRates.REDELIVER));
        out.put("message_stats", stats);
        return out;
    }

    // RabbitMQ's stream queue info has segments and committed_offset; first/last offsets are Warren's
    private static void stream(Map<String, Object> out, StreamStatus s) {
        out.put("segments", s.segments());
        boolean empty = s.lastOffset() < s.firstOffset();
        out.put("first_offset", empty ? null : s.firstOffset());
        out.put("last_offset", empty ? null : s.lastOffset());
        out.put("committed_offset", s.committedOffset() < 0 ? null : s.committedOffset());
        out.put("next_offset", s.lastOffset() + 1);
    }

    /** One queue with its consumers (on every node), as GET /api/queues/vhost/name gives it. */
    public Map<String, Object> detail(QueueView q, List<NodeConsumerView> consumers) {
        QuorumQueueView qq = quorum(q);
        Map<String, Object> out = summary(q, qq);
        out.put("consumer_details", consumers.stream().map(ConnectionJson::consumer).toList());
        if (qq != null) {
            out.put("raft", raft(qq));
        }
        return out;
    }

    // Warren's own: the shard's Raft figures as this node's replica has them (RabbitMQ shows such figures only
    // in rabbitmq-queues quorum_status); a node that does not replicate the shard gives the shard id alone
    private static Map<String, Object> raft(QuorumQueueView qq) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("shard", qq.shard());
        QuorumQueueView.Replica r = qq.raft();
        out.put("local_replica", r != null);
        if (r == null) {
            return out;
        }
        out.put("node", r.node());
        out.put("role", r.role());
        out.put("term", r.term());
        out.put("commit_index", r.commitIndex());
        out.put("last_applied", r.lastApplied());
        out.put("last_log_index", r.lastLogIndex());
        out.put("snapshot_index", r.snapshotIndex());
        List<Map<String, Object>> followers = new ArrayList<>();
        for (QuorumQueueView.Follower f : r.followers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", f.node());
            m.put("match_index", f.matchIndex());
            m.put("lag", f.lag());
            m.put("last_contact_ms", f.lastContactMs());
            followers.add(m);
        }
        out.put("followers", followers);
        return out;
    }
}
