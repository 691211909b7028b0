package io.warren.management.api;

import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.NodeStatusView;
import io.warren.management.http.ApiException;
import io.warren.management.json.ConnectionJson;
import io.warren.management.json.QueueJson;
import io.warren.management.metrics.RateSampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/** What every handler needs: the broker's admin facade, the authorizer, rates and the JSON views. */
public final class ApiContext {
    private static final long QUEUE_WAIT_SECONDS = 30;

    private final BrokerAdmin admin;
    private final Authorizer auth;
    private final RateSampler rates;
    private final QueueJson queueJson;
    private final ConnectionJson connectionJson;
    private final String httpAddress;
    private final IntSupplier httpPort;
    private final IntSupplier httpsPort;

    public ApiContext(BrokerAdmin admin, RateSampler rates) {
        this(admin, rates, "127.0.0.1", () -> -1, () -> -1);
    }

    /**
     * With the management listeners' address and ports (read when asked: they are known once bound; -1 is none),
     * so that the API can list them as RabbitMQ lists its listeners.
     */
    public ApiContext(BrokerAdmin admin, RateSampler rates, String httpAddress, IntSupplier httpPort,
                      IntSupplier httpsPort) {
        this.admin = admin;
        this.httpAddress = httpAddress;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.auth = new Authorizer(admin.access());
        this.rates = rates;
        this.queueJson = new QueueJson(rates, admin.cluster()::queueNode, admin.cluster()::running,
                admin.cluster()::quorumQueue);
        this.connectionJson = new ConnectionJson(rates, admin.nodeName());
        // in a cluster the other nodes list this node's listeners, the management API's among them
        admin.cluster().announceListeners(this::localListeners);
    }

    public BrokerAdmin admin() {
        return admin;
    }

    public Authorizer auth() {
        return auth;
    }

    public RateSampler rates() {
        return rates;
    }

    public QueueJson queueJson() {
        return queueJson;
    }

    public ConnectionJson connectionJson() {
        return connectionJson;
    }

    /** This node's listeners in RabbitMQ's shape: node, protocol, ip_address, port (closed ones left out). */
    public List<Map<String, Object>> listeners() {
        return localListeners().stream().map(l -> listenerJson(admin.nodeName(), l)).toList();
    }

    /** This node's listeners, then those of the other members running now (a single node: its own). */
    public List<Map<String, Object>> clusterListeners() {
        List<Map<String, Object>> out = new ArrayList<>(listeners());
        for (NodeStatusView n : admin.cluster().otherNodes()) {
            if (n.running()) {
                n.listeners().forEach(l -> out.add(listenerJson(n.name(), l)));
            }
        }
        return out;
    }

    private List<ListenerView> localListeners() {
        List<ListenerView> out = new ArrayList<>();
        listener(out, "amqp", admin.bindAddress(), admin.amqpPort());
        listener(out, "amqp/ssl", admin.bindAddress(), admin.amqpsPort());
        listener(out, "http", httpAddress, httpPort.getAsInt());
        listener(out, "https", httpAddress, httpsPort.getAsInt());
        return out;
    }

    private static void listener(List<ListenerView> out, String protocol, String address, int port) {
        if (port >= 0) {
            out.add(new ListenerView(protocol, address, port));
        }
    }

    static Map<String, Object> listenerJson(String node, ListenerView l) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", node);
        out.put("protocol", l.protocol());
        out.put("ip_address", l.ipAddress());
        out.put("port", l.port());
        return out;
    }

    /** Waits for work handed to a queue's thread; its refusal becomes the matching HTTP error. */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(QUEUE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AdminException a) {
                throw a;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(503, "timeout", "the queue did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted", "interrupted");
        }
    }
}
