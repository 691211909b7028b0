package io.warren.broker.admin;

import io.warren.broker.error.AmqpException;
import io.warren.broker.superstream.InvalidSuperStream;
import io.warren.broker.superstream.SuperStream;
import io.warren.broker.superstream.SuperStreams;
import io.warren.broker.vhost.VirtualHost;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/** Super streams (an x-consistent-hash exchange and its partition streams): listing, declaring, deleting. */
public final class SuperStreamAdmin {
    private final TopologyAdmin topology;

    SuperStreamAdmin(TopologyAdmin topology) {
        this.topology = topology;
    }

    public List<SuperStreamView> superStreams(String vhost) {
        return SuperStreams.list(topology.vhost(vhost)).stream().map(SuperStreamAdmin::view).toList();
    }

    /** The super stream, or null. */
    public SuperStreamView superStream(String vhost, String name) {
        SuperStream s = SuperStreams.find(topology.vhost(vhost), name);
        return s == null ? null : view(s);
    }

    /**
     * The partitions' names a declaration of this many partitions makes, for permission checks before it; a count
     * out of range is refused here already.
     */
    public List<String> partitionNames(String vhost, String name, int partitions) {
        try {
            SuperStreams.checkPartitions(vhost, name, partitions);
        } catch (InvalidSuperStream e) {
            throw new AdminException(AdminException.Kind.BAD_REQUEST, e.getMessage());
        }
        return IntStream.range(0, partitions).mapToObj(i -> SuperStreams.partitionName(name, i)).toList();
    }

    /** Declares the super stream (or checks the existing one matches); true when it was made. */
    public boolean declare(String vhost, String name, int partitions, Map<String, Object> arguments) {
        VirtualHost v = topology.vhost(vhost);
        try {
            return SuperStreams.declare(v, name, partitions, arguments);
        } catch (InvalidSuperStream e) {
            throw new AdminException(AdminException.Kind.BAD_REQUEST, e.getMessage());
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
    }

    /** Deletes the super stream's exchange and partitions; completes when the partitions' logs are gone. */
    public CompletableFuture<Void> delete(String vhost, String name) {
        VirtualHost v = topology.vhost(vhost);
        CompletableFuture<Void> done;
        try {
            done = SuperStreams.delete(v, name);
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
        if (done == null) {
            throw AdminException.notFound("no super stream '%s' in vhost '%s'", name, vhost);
        }
        return done;
    }

    private static SuperStreamView view(SuperStream s) {
        return new SuperStreamView(s.vhost(), s.name(), s.partitions(), s.arguments());
    }
}
