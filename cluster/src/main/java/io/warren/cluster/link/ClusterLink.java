package io.warren.cluster.link;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.warren.broker.Broker;
import io.warren.broker.message.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node-to-node message link: a listener for the batches other nodes send to this node's queues, and two
 * connections to each other node for what this node sends to theirs (its publishes, and everything else). Its own
 * port (the cluster port + 1), its own event loop, and Warren's own framing ({@link LinkFrames}): messages never go
 * through the Raft log.
 */
public final class ClusterLink implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("warren-cluster-link",
            true));
    private final Function<String, InetSocketAddress> addresses;
    private final Map<String, LinkPeer> peers = new ConcurrentHashMap<>();
    // each node's publishes to this node's queues go over connections of their own (see LinkPeer)
    private final Map<String, LinkPeer> publishers = new ConcurrentHashMap<>();
    private final java.util.Set<LaneFlow> publishLanes = ConcurrentHashMap.newKeySet();
    private volatile boolean publishesPaused;
    private final java.util.concurrent.atomic.AtomicLong consumerIds = new java.util.concurrent.atomic.AtomicLong();
    private volatile Broker broker;
    private final io.netty.channel.group.ChannelGroup accepted = new io.netty.channel.group.DefaultChannelGroup(
            io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
    private Channel server;
    private volatile Consumer<ByteBuf> statusHandler = b -> { };
    private volatile ConsumersInbound.Lister consumerLister = (vhost, queue) -> List.of();
    // lists this node's consumers for other nodes (it visits every connection's thread): a thread only while asked
    private final java.util.concurrent.ThreadPoolExecutor listings = new java.util.concurrent.ThreadPoolExecutor(0, 1,
            30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(64),
            new DefaultThreadFactory("warren-cluster-consumers", true));
    private volatile SnapshotAnswers snapshotAnswers = new SnapshotAnswers() {
        @Override
        public void state(ByteBuf request, ByteBuf answer) throws IOException {
            throw new IOException("this node serves no quorum shard snapshots");
        }

        @Override
        public void bodies(ByteBuf request, ByteBuf answer) throws IOException {
            throw new IOException("this node serves no quorum shard snapshots");
        }
    };
    // answers snapshot fetches (they read files): a thread only while asked
    private final java.util.concurrent.ThreadPoolExecutor catchUps = new java.util.concurrent.ThreadPoolExecutor(0, 1,
            30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(64),
            new DefaultThreadFactory("warren-cluster-catchup", true));
    // null: plain TCP
    private volatile LinkTls tls;
    // told each time a connection to another node (for everything but publishes) opens
    private final List<Consumer<String>> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    // handlers other parts of the cluster put ahead of the home session on every accepted connection
    private final List<java.util.function.Supplier<io.netty.channel.ChannelHandler>> inbound =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** addresses: a node's link address from its name (null for a node not in the cluster). */
    public ClusterLink(Function<String, InetSocketAddress> addresses) {
        this.addresses = addresses;
    }

    /** The link port of a node whose cluster (Raft) traffic is on clusterPort. */
    public static int linkPort(int clusterPort) {
        return clusterPort + 1;
    }

    /** Runs the link over TLS (set before {@link #start}, and before the first message to another node). */
    public void useTls(LinkTls linkTls) {
        this.tls = linkTls;
    }

    /** Starts listening on the given address, for this broker's queues. */
    public void start(Broker broker, InetSocketAddress listen) throws IOException {
        this.broker = broker;
        try {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted.add(ch);
                            LinkTls t = tls;
                            if (t != null) {
                                ch.pipeline().addLast(t.serverHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(LinkFrames.MAX_FRAME, 0, 4, 0, 4),
                                    new StatusInbound(() -> statusHandler),
                                    new ConsumersInbound(() -> consumerLister, listings),
                                    new CatchUpInbound(() -> snapshotAnswers, catchUps));
                            inbound.forEach(h -> ch.pipeline().addLast(h.get()));
                            ch.pipeline().addLast(new HomeSession(() -> ClusterLink.this.broker,
                                    ClusterLink.this::publishLane));
                        }
                    })
                    .bind(listen).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the cluster link on " + listen, e);
        } catch (RuntimeException e) {
            throw new IOException("cannot open the cluster link on port " + listen.getPort() + " (the cluster port "
                    + "+ 1): " + e.getMessage(), e);
        }
    }

    /** The port this node's link listens on (0 before it starts). */
    public int port() {
        Channel s = server;
        return s == null ? 0 : ((InetSocketAddress) s.localAddress()).getPort();
    }

    /**
     * Sends a batch to a queue on another node; takes over one reference of each message. answer (null for none)
     * runs once the home node has fsynced it or it failed.
     */
    public void publish(String node, String vhost, String queue, List<Message> messages,
                        Consumer<PublishAnswer> answer) {
        publisher(node).publish(vhost, queue, messages, answer == null ? null
                : p -> answer.accept(new PublishAnswer(p.outcome() == LinkFrames.OK, p.refused(), p.error())));
    }

    /**
     * Starts a consumer on this node for a queue on another; returns its id (to cancel it by). What the home node
     * delivers goes to the sink, on the link's thread.
     */
    public long consume(String node, String vhost, String queue, String tag, int prefetch, boolean noAck,
                        int priority, ConsumerSink sink) {
        long id = consumerIds.incrementAndGet();
        peer(node).consume(id, vhost, queue, tag, prefetch, noAck, priority, sink);
        return id;
    }

    /**
     * As {@link #consume}, passing every argument of the client's basic.consume and its exclusive flag: the home node
     * checks exclusive use against all nodes' consumers and answers through {@link ConsumerSink#consumed}.
     */
    public long consume(String node, String vhost, String queue, String tag, int prefetch, boolean noAck,
                        boolean exclusive, Map<String, Object> arguments, ConsumerSink sink) {
        long id = consumerIds.incrementAndGet();
        peer(node).consumeArgs(id, vhost, queue, tag, prefetch, noAck, exclusive, arguments, sink);
        return id;
    }

    /** Acknowledges deliveries the node made (by their ids there). */
    public void ack(String node, long[] deliveries) {
        peer(node).settle(LinkFrames.ACK, deliveries);
    }

    /** Rejects deliveries without requeueing them: the home node dead-letters or drops them. */
    public void reject(String node, long[] deliveries) {
        peer(node).settle(LinkFrames.REJECT, deliveries);
    }

    /** Puts deliveries back in their queue, marked redelivered (they reached a consumer); undelivered: unmarked. */
    public void requeue(String node, long[] deliveries, boolean undelivered) {
        peer(node).settle(undelivered ? LinkFrames.UNDELIVERED : LinkFrames.REQUEUE, deliveries);
    }

    /** Cancels a consumer started with {@link #consume}. */
    public void cancel(String node, long consumer) {
        peer(node).cancel(consumer);
    }

    /** What a get through the link heard: a delivery (null when the queue was empty), or an error. */
    public record Got(ConsumerSink.Delivery delivery, int remaining, String error) {
    }

    /** basic.get on a queue on another node; answer runs on the link's thread. */
    public void get(String node, String vhost, String queue, boolean noAck, Consumer<Got> answer) {
        afterPublishes(node, vhost, queue, () -> peer(node).call(LinkFrames.GET, vhost, queue, noAck, in -> {
            if (in == null) {
                answer.accept(new Got(null, 0, unreachable(node)));
                return;
            }
            switch (in.readByte()) {
                case 0 -> answer.accept(new Got(null, 0, null));
                case 1 -> {
                    long delivery = in.readLong();
                    boolean redelivered = in.readBoolean();
                    int remaining = in.readInt();
                    answer.accept(new Got(new ConsumerSink.Delivery(delivery, redelivered,
                            LinkFrames.readMessage(in)), remaining, null));
                }
                default -> answer.accept(new Got(null, 0, LinkFrames.readString(in)));
            }
        }));
    }

    // a request naming a queue goes after the publishes sent to that queue before it, as over one connection
    private void afterPublishes(String node, String vhost, String queue, Runnable request) {
        LinkPeer p = publishers.get(node);
        if (p == null) {
            request.run();
        } else {
            p.afterPublishes(vhost, queue, request);
        }
    }

    /** What a take through the link heard: the messages taken (each to settle by its id there), or an error. */
    public record Taken(List<ConsumerSink.Delivery> deliveries, String error) {
    }

    /** Up to max ready messages of a queue on another node, taken as unacked; answer runs on the link's thread. */
    public void take(String node, String vhost, String queue, int max, Consumer<Taken> answer) {
        afterPublishes(node, vhost, queue, () -> peer(node).take(vhost, queue, max, in -> {
            if (in == null) {
                answer.accept(new Taken(List.of(), unreachable(node)));
            } else if (in.readByte() == 0) {
                int n = in.readInt();
                List<ConsumerSink.Delivery> out = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long delivery = in.readLong();
                    boolean redelivered = in.readBoolean();
                    out.add(new ConsumerSink.Delivery(delivery, redelivered, LinkFrames.readMessage(in)));
                }
                answer.accept(new Taken(out, null));
            } else {
                answer.accept(new Taken(List.of(), LinkFrames.readString(in)));
            }
        }));
    }

    /** queue.purge on a queue on another node: answer gets the count, or -1 and the error, on the link's thread. */
    public void purge(String node, String vhost, String queue, java.util.function.BiConsumer<Integer, String> answer) {
        afterPublishes(node, vhost, queue, () -> peer(node).call(LinkFrames.PURGE, vhost, queue, false, in -> {
            if (in == null) {
                answer.accept(-1, unreachable(node));
            } else if (in.readByte() == 0) {
                answer.accept(in.readInt(), null);
            } else {
                answer.accept(-1, LinkFrames.readString(in));
            }
        }));
    }

    /** What a count through the link heard: ready messages and consumers, or an error. */
    public record Counts(int messages, int consumers, String error) {
    }

    /** A queue's counts on another node (touch: it is a use of the queue); answer runs on the link's thread. */
    public void counts(String node, String vhost, String queue, boolean touch, Consumer<Counts> answer) {
        afterPublishes(node, vhost, queue, () -> peer(node).call(LinkFrames.COUNT, vhost, queue, touch, in -> {
            if (in == null) {
                answer.accept(new Counts(0, 0, unreachable(node)));
            } else if (in.readByte() == 0) {
                answer.accept(new Counts(in.readInt(), in.readInt(), null));
            } else {
                answer.accept(new Counts(0, 0, LinkFrames.readString(in)));
            }
        }));
    }

    /**
     * How this node lists the consumers of its connections when another node asks (of one queue, of one vhost when
     * queue is null, or all when both are).
     */
    public void onConsumersAsked(java.util.function.BiFunction<String, String,
            List<io.warren.broker.admin.NodeConsumerView>> lister) {
        consumerLister = lister::apply;
    }

    /**
     * Asks another node for the consumers of its connections (of one queue, of one vhost when queue is null, or all
     * when both are); answer gets them on the link's thread, or null when the link dropped first.
     */
    public void consumers(String node, String vhost, String queue,
                          Consumer<List<io.warren.broker.admin.NodeConsumerView>> answer) {
        peer(node).ask(id -> ConsumerListFrames.query(ByteBufAllocator.DEFAULT, id, vhost, queue),
                in -> answer.accept(in == null ? null : ConsumerListFrames.readList(in)));
    }

    /**
     * How this node answers other nodes' quorum shard catch-up requests (see io.warren.cluster.quorum.catchup). Each
     * method reads the request's payload and writes its answer's; an exception goes back as the error. Called on a
     * thread of the link's own, never its event loop.
     */
    public interface SnapshotAnswers {
        /** A part of a shard snapshot's state. */
        void state(ByteBuf request, ByteBuf answer) throws IOException;

        /** Bodies a shard snapshot holds live. */
        void bodies(ByteBuf request, ByteBuf answer) throws IOException;
    }

    /** Sets how this node answers other nodes' snapshot fetches. */
    public void onSnapshotAsked(SnapshotAnswers answers) {
        snapshotAnswers = answers;
    }

    /**
     * Asks another node for a part of a shard snapshot's state: request writes the payload; answer gets the answer's
     * payload (on the link's thread, not to be kept) and null, or null and the error.
     */
    public void askSnapshotState(String node, Consumer<ByteBuf> request,
                                 java.util.function.BiConsumer<ByteBuf, String> answer) {
        askCatchUp(node, LinkFrames.SNAPSHOT_FETCH, request, answer);
    }

    /** As {@link #askSnapshotState}, for bodies a shard snapshot holds live. */
    public void askSnapshotBodies(String node, Consumer<ByteBuf> request,
                                  java.util.function.BiConsumer<ByteBuf, String> answer) {
        askCatchUp(node, LinkFrames.SNAPSHOT_BODIES_FETCH, request, answer);
    }

    private void askCatchUp(String node, byte type, Consumer<ByteBuf> request,
                            java.util.function.BiConsumer<ByteBuf, String> answer) {
        peer(node).ask(id -> {
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer(128);
            out.writeInt(0).writeByte(type).writeLong(id);
            request.accept(out);
            return out.setInt(0, out.readableBytes() - 4);
        }, in -> {
            if (in == null) {
                answer.accept(null, unreachable(node));
            } else if (in.readByte() == 0) {
                answer.accept(in, null);
            } else {
                answer.accept(null, LinkFrames.readString(in));
            }
        });
    }

    private static String unreachable(String node) {
        return "node '" + node + "' is down or inaccessible";
    }

    /**
     * Where status reports from other nodes go: the handler reads the payload on the link's thread (and must not
     * keep it: it is released after).
     */
    public void onStatus(Consumer<ByteBuf> handler) {
        statusHandler = handler;
    }

    /**
     * Puts a handler (made per connection) on every connection other nodes open to this one, ahead of the home
     * session: it takes the frame types it owns (a range of its own; see LinkFrames) and passes on the rest. Before
     * {@link #start}.
     */
    public void addInbound(java.util.function.Supplier<io.netty.channel.ChannelHandler> handler) {
        inbound.add(handler);
    }

    /**
     * Runs listener with a node's name each time this node's connection to it (the one {@link #sendFrames} uses)
     * opens, on the link's thread: frames sent while it was down were dropped.
     */
    public void onConnectionOpened(Consumer<String> listener) {
        opened.add(listener);
    }

    /**
     * Sends ready-made frames (each with its length and type, for a handler added with {@link #addInbound} there)
     * to another node in one write and flush, on the connection its consumes and acks use; takes over the buffer.
     * Dropped, as status reports are, when the node is down.
     */
    public void sendFrames(String node, ByteBuf frames) {
        peer(node).sendOneWay(frames);
    }

    /** Sends this node's status report to another node; takes over the payload. Dropped when it cannot go. */
    public void sendStatus(String node, ByteBuf payload) {
        ByteBuf header = ByteBufAllocator.DEFAULT.buffer(5);
        header.writeInt(1 + payload.readableBytes());
        header.writeByte(LinkFrames.STATUS);
        CompositeByteBuf frame = ByteBufAllocator.DEFAULT.compositeBuffer(2);
        frame.addComponents(true, header, payload);
        peer(node).sendOneWay(frame);
    }

    /** False while the publish connection to that node has more waiting for its socket than it lets pile up. */
    public boolean writable(String node) {
        LinkPeer p = publishers.get(node);
        return p == null || p.writable();
    }

    /** Runs r, on any thread, once the publish connection to that node is writable (at once if it is). */
    public void whenWritable(String node, Runnable r) {
        publisher(node).whenWritable(r);
    }

    /**
     * Stops (true) or resumes (false) reading what other nodes publish to this one; their publish connections then
     * fill up and their publishers to this node's queues pause. Their consumers' acks, consumes and gets still come
     * in: they have connections of their own. Returns once every publish connection has applied it, so a publish
     * sent after this returns is not read while paused. Not for the link's own threads.
     */
    public void pauseReading(boolean pause) {
        publishesPaused = pause;
        List<Future<?>> applied = new ArrayList<>();
        publishLanes.forEach(l -> applied.add(l.hold(pause)));
        applied.forEach(Future::syncUninterruptibly);
    }

    // link thread: a connection said it carries another node's publishes
    private void publishLane(LaneFlow lane) {
        publishLanes.add(lane);
        lane.closed(() -> publishLanes.remove(lane));
        if (publishesPaused) {
            lane.hold(true);
        }
    }

    /** True while this node has stopped reading some node's publishes for a queue of its own in flow control. */
    public boolean publishesHeldForFlow() {
        return publishLanes.stream().anyMatch(LaneFlow::blocked);
    }

    /** True when this node could not reach that node on its last try (it keeps trying every second). */
    public boolean down(String node) {
        LinkPeer p = peers.get(node);
        LinkPeer q = publishers.get(node);
        return p != null && p.down() || q != null && q.down();
    }

    /**
     * Opens the connection to that node if it is not open, so that {@link #down} tells whether the node can be
     * reached even when nothing is being sent to it.
     */
    public void watch(String node) {
        peer(node).open();
    }

    /** True while this node's connection to that node is open. */
    public boolean connected(String node) {
        LinkPeer p = peers.get(node);
        return p != null && p.connected();
    }

    private LinkPeer peer(String node) {
        return peers.computeIfAbsent(node, n -> {
            LinkPeer p = new LinkPeer(n, () -> addresses.apply(n), group, () -> tls, false);
            p.onOpened(() -> opened.forEach(l -> l.accept(n)));
            return p;
        });
    }

    private LinkPeer publisher(String node) {
        return publishers.computeIfAbsent(node, n -> new LinkPeer(n, () -> addresses.apply(n), group, () -> tls,
                true));
    }

    /** The home node's answer to a batch: ok (taken and fsynced) or not, and which messages a full queue refused. */
    public record PublishAnswer(boolean ok, int[] refused, String error) {
    }

    @Override
    public void close() {
        peers.values().forEach(LinkPeer::close);
        publishers.values().forEach(LinkPeer::close);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        listings.shutdownNow();
        catchUps.shutdownNow();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
