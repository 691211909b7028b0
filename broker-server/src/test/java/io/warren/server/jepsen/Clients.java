package io.warren.server.jepsen;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.warren.server.faults.ClusterProcesses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Client connections of the workload: automatic recovery across the cluster's address list, the preferred node
 * first (never shuffled, so each client starts on its own node), topology recovery off (the workload re-consumes
 * itself: a queue whose home is down refuses a consume, which topology recovery would only log), and short
 * timeouts so a paused node cannot hold a client for long.
 */
final class Clients {
    private final ClusterProcesses cluster;
    private final String user;
    private final String password;

    Clients(ClusterProcesses cluster, String user, String password) {
        this.cluster = cluster;
        this.password = password;
        this.user = user;
    }

    /** A recovering connection that tries the preferred node first, then the others in order. */
    Connection connect(int preferred, String name) throws IOException, TimeoutException {
        List<Address> addresses = new ArrayList<>();
        for (int k = 0; k < cluster.size(); k++) {
            int i = (preferred + k) % cluster.size();
            addresses.add(new Address(cluster.host(i), cluster.amqpPort(i)));
        }
        AddressResolver inOrder = new AddressResolver() {
            @Override
            public List<Address> getAddresses() {
                return addresses;
            }

            @Override
            public List<Address> maybeShuffle(List<Address> input) {
                return input;
            }
        };
        ConnectionFactory f = factory();
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(false);
        f.setNetworkRecoveryInterval(1000);
        return f.newConnection(null, inOrder, name);
    }

    /** A plain connection to node i (no recovery), as the final drain uses. */
    Connection connectTo(int i, String name) throws IOException, TimeoutException {
        ConnectionFactory f = factory();
        f.setHost(cluster.host(i));
        f.setPort(cluster.amqpPort(i));
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection(name);
    }

    private ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setUsername(user);
        f.setPassword(password);
        f.setConnectionTimeout(5000);
        f.setHandshakeTimeout(5000);
        f.setShutdownTimeout(2000);
        f.setRequestedHeartbeat(5);
        f.setChannelRpcTimeout(10_000);
        // the faults make many connection errors: one line each in the run's log instead of a stack trace
        f.setExceptionHandler(new ForgivingExceptionHandler() {
            @Override
            protected void log(String message, Throwable e) {
                RunLog.say("client: %s: %s", message, e);
            }
        });
        return f;
    }
}
