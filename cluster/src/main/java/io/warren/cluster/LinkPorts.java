package io.warren.cluster;

import io.warren.cluster.raft.RaftTuning;
import io.warren.cluster.state.DefinitionStateMachine;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ports other nodes' message links (or, in a second instance, quorum servers) listen on, asked of each node
 * over its cluster (Raft) port, as Erlang nodes ask epmd for each other's distribution port: a stale read addressed
 * to that node, answered by its own state machine ({@link DefinitionStateMachine#LINK_PORT_QUERY}). Asked on one
 * thread of its own, again while a node has not answered (every second) and on every link connection attempt, so
 * a node restarted on another port is found.
 */
final class LinkPorts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkPorts.class);
    private final Map<String, Integer> known = new ConcurrentHashMap<>();
    private final Set<String> asking = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService asker;
    private final String query;
    private volatile RaftClient client;
    private volatile boolean closed;

    /** Asks for the message link's port. */
    LinkPorts() {
        this(DefinitionStateMachine.LINK_PORT_QUERY, "warren-cluster-link-ports");
    }

    /** Asks with another query (e.g. {@link DefinitionStateMachine#QUORUM_PORT_QUERY}) on a thread of this name. */
    LinkPorts(String query, String threadName) {
        this.query = query;
        var pool = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        // every node answers within seconds of the cluster forming: no thread idles for the rest of the run
        pool.setKeepAliveTime(10, TimeUnit.SECONDS);
        pool.allowCoreThreadTimeOut(true);
        this.asker = pool;
    }

    /** Starts asking through a client of the group (with few retries: a node that does not answer is asked later). */
    void start(RaftGroup group) {
        client = RaftClient.newBuilder().setProperties(RaftTuning.client()).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(2,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** The port the node answered, or null until it has; asks it (again) in the background. */
    Integer port(String node) {
        ask(node);
        return known.get(node);
    }

    /** Asks the node in the background unless it is being asked already. */
    void ask(String node) {
        if (client == null || closed || !asking.add(node)) {
            return;
        }
        try {
            asker.execute(() -> askNow(node));
        } catch (RuntimeException stopping) {
            asking.remove(node);
        }
    }

    private void askNow(String node) {
        boolean answered = false;
        try {
            RaftClientReply reply = client.io().sendStaleRead(Message.valueOf(query),
                    0, RaftPeerId.valueOf(node));
            if (reply.isSuccess()) {
                known.put(node, Integer.parseInt(reply.getMessage().getContent().toStringUtf8()));
                answered = true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("node {} has not told its link port yet: {}", node, e.toString());
        } finally {
            asking.remove(node);
        }
        if (!answered && !known.containsKey(node) && !closed) {
            try {
                asker.schedule(() -> ask(node), 1, TimeUnit.SECONDS); // a new cluster has no commit yet, or it is down
            } catch (RuntimeException stopping) {
                // closing
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        asker.shutdownNow();
        RaftClient c = client;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing the link-port client: {}", e.toString());
            }
        }
    }
}
