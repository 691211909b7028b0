package io.warren.broker.superstream;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueType;
import io.warren.broker.vhost.Arguments;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.LongString;
import io.warren.routing.Binding;
import io.warren.routing.ConsistentHashRouter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Super streams (partitioned streams): an x-consistent-hash exchange marked with {@value #MARKER} and N durable
 * streams NAME-0..NAME-(N-1) bound to it with weight "1" and the binding argument {@value #PARTITION_ORDER}. All
 * messages with one routing key go to one partition, in the order they were published.
 *
 * <p>Nothing is stored beyond those ordinary definitions: a super stream is whatever exchange carries the marker,
 * and its partitions are the streams bound to it with a partition order. So it survives a restart, an export and
 * an import like any exchange, queue and binding. Each change holds the vhost's lock (the one its own declarations
 * take), so two declarations of one super stream cannot interleave.
 */
public final class SuperStreams {
    /** The exchange argument (true) that makes an x-consistent-hash exchange a super stream; RabbitMQ's name. */
    public static final String MARKER = "x-super-stream";
    /** The binding argument that gives a partition's place (0, 1, ...); RabbitMQ's name. */
    public static final String PARTITION_ORDER = "x-stream-partition-order";
    public static final int MAX_PARTITIONS = 1000;
    /** Each partition's share of the keys: all equal. */
    static final String WEIGHT = "1";

    private SuperStreams() {
    }

    /** The name of partition i of a super stream. */
    public static String partitionName(String superStream, int i) {
        return superStream + "-" + i;
    }

    /** The vhost's super streams, by name. */
    public static List<SuperStream> list(VirtualHost v) {
        List<SuperStream> out = new ArrayList<>();
        for (ExchangeEntity x : v.exchanges()) {
            if (isSuperStream(x)) {
                out.add(describe(v, x));
            }
        }
        out.sort(Comparator.comparing(SuperStream::name));
        return out;
    }

    /** The super stream of that name, or null when there is none (or the exchange of that name is not one). */
    public static SuperStream find(VirtualHost v, String name) {
        ExchangeEntity x = v.exchange(name);
        return x != null && isSuperStream(x) ? describe(v, x) : null;
    }

    static boolean isSuperStream(ExchangeEntity x) {
        Object marker = x.arguments() == null ? null : x.arguments().get(MARKER);
        return ConsistentHashRouter.TYPE.equals(x.type())
                && (Boolean.TRUE.equals(marker) || marker != null && "true".equals(marker.toString()));
    }

    private static SuperStream describe(VirtualHost v, ExchangeEntity x) {
        List<Binding<Destination>> partitions = new ArrayList<>();
        for (Binding<Destination> b : x.router().bindings()) {
            if (b.destination() instanceof AmqpQueue && b.arguments().get(PARTITION_ORDER) instanceof Number) {
                partitions.add(b);
            }
        }
        partitions.sort(Comparator.comparingLong(b -> ((Number) b.arguments().get(PARTITION_ORDER)).longValue()));
        Map<String, Object> arguments = new LinkedHashMap<>();
        if (!partitions.isEmpty()) {
            arguments.putAll(((AmqpQueue) partitions.get(0).destination()).arguments());
            arguments.remove(QueueType.ARGUMENT);
        }
        return new SuperStream(v.name(), x.name(), partitions.stream().map(b -> b.destination().name()).toList(),
                arguments);
    }

    /**
     * Makes the super stream, or checks that the existing one has this many partitions and equivalent arguments.
     * Either all of it is made or none: what a failed declaration made is removed again.
     *
     * @return true when it was made, false when it existed already
     * @throws InvalidSuperStream for a declaration that cannot be made (bad count, a name taken by something else)
     * @throws AmqpException for arguments a stream refuses, or inequivalent to the existing partitions'
     */
    public static boolean declare(VirtualHost v, String name, int partitions, Map<String, Object> arguments) {
        checkShape(v, name, partitions, arguments);
        Map<String, Object> streamArguments = new LinkedHashMap<>(arguments == null ? Map.of() : arguments);
        streamArguments.put(QueueType.ARGUMENT, LongString.of("stream"));
        synchronized (v) {
            ExchangeEntity existing = v.exchange(name);
            if (existing != null) {
                redeclare(v, existing, partitions, streamArguments);
                return false;
            }
            for (int i = 0; i < partitions; i++) {
                String partition = partitionName(name, i);
                if (v.queue(partition) != null) {
                    throw new InvalidSuperStream(v.name(), name, "queue '" + partition + "' already exists; a "
                            + "super stream's partitions must be new: choose another name or delete the queue");
                }
            }
            create(v, name, partitions, streamArguments);
            return true;
        }
    }

    private static void checkShape(VirtualHost v, String name, int partitions, Map<String, Object> arguments) {
        if (name == null || name.isEmpty()) {
            throw new InvalidSuperStream(v.name(), "", "the name must not be empty");
        }
        if (name.startsWith("amq.")) {
            throw new InvalidSuperStream(v.name(), name, "the name contains reserved prefix 'amq.*'");
        }
        checkPartitions(v.name(), name, partitions);
        Object type = arguments == null ? null : arguments.get(QueueType.ARGUMENT);
        if (type != null && !"stream".equals(type.toString())) {
            throw new InvalidSuperStream(v.name(), name, "its partitions are streams: x-queue-type must be "
                    + "'stream' or left out, not '" + type + "'");
        }
    }

    /** Refuses a partition count outside 1..{@value #MAX_PARTITIONS}. */
    public static void checkPartitions(String vhost, String name, int partitions) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new InvalidSuperStream(vhost, name, "a super stream has 1 to " + MAX_PARTITIONS
                    + " partitions, not " + partitions);
        }
    }

    private static void redeclare(VirtualHost v, ExchangeEntity existing, int partitions,
                                  Map<String, Object> streamArguments) {
        if (!isSuperStream(existing)) {
            throw new InvalidSuperStream(v.name(), existing.name(), "exchange '" + existing.name() + "' already "
                    + "exists and is not a super stream: choose another name or delete the exchange");
        }
        SuperStream current = describe(v, existing);
        if (current.partitions().size() != partitions) {
            throw new InvalidSuperStream(v.name(), existing.name(), "it already exists with "
                    + current.partitions().size() + " partitions, not " + partitions
                    + ": delete it first to change the number");
        }
        for (String partition : current.partitions()) {
            AmqpQueue q = v.queue(partition);
            // every argument counts, not only those a queue redeclare compares: the call names all of them
            Set<String> all = new HashSet<>(streamArguments.keySet());
            all.addAll(q.arguments().keySet());
            Arguments.Difference d = Arguments.firstDifference(streamArguments, q.arguments(), all);
            if (d != null) {
                throw new InvalidSuperStream(v.name(), existing.name(), "inequivalent arg '" + d.argument()
                        + "' for partition '" + partition + "': received " + d.received() + " but current is "
                        + d.current() + "; delete it first to change its arguments");
            }
        }
    }

    private static void create(VirtualHost v, String name, int partitions, Map<String, Object> streamArguments) {
        List<AmqpQueue> made = new ArrayList<>();
        boolean exchangeMade = false;
        try {
            for (int i = 0; i < partitions; i++) {
                made.add(v.declareQueue(partitionName(name, i), true, false, false, streamArguments, null).queue());
            }
            v.declareExchange(name, ConsistentHashRouter.TYPE, false, true, false, false, Map.of(MARKER, true));
            exchangeMade = true;
            for (int i = 0; i < partitions; i++) {
                v.bind(name, made.get(i), WEIGHT, Map.of(PARTITION_ORDER, i));
            }
        } catch (RuntimeException e) {
            if (exchangeMade) {
                v.deleteExchange(name, false);
            }
            made.forEach(q -> removeAndDelete(v, q));
            throw e;
        }
    }

    /**
     * Deletes the super stream's exchange and partitions; the future completes once every partition has deleted
     * its log (on the partition's own thread).
     *
     * @return null when there is no super stream of that name
     */
    public static CompletableFuture<Void> delete(VirtualHost v, String name) {
        List<AmqpQueue> partitions = new ArrayList<>();
        synchronized (v) {
            SuperStream s = find(v, name);
            if (s == null) {
                return null;
            }
            for (String partition : s.partitions()) {
                AmqpQueue q = v.queue(partition);
                if (q != null) {
                    partitions.add(q);
                }
            }
            v.deleteExchange(name, false);
        }
        return CompletableFuture.allOf(partitions.stream().map(q -> removeAndDelete(v, q))
                .toArray(CompletableFuture[]::new));
    }

    private static CompletableFuture<Void> removeAndDelete(VirtualHost v, AmqpQueue q) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!v.removeQueue(q)) {
            done.complete(null); // someone deleted it meanwhile
            return done;
        }
        try {
            q.execute(() -> {
                try {
                    q.delete();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e); // its loop is shutting down with the broker
        }
        return done;
    }
}
