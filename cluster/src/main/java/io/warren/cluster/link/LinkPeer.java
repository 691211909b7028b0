package io.warren.cluster.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.warren.broker.message.Message;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connection to one other node: opened on first use and again after it drops. Frames written while it
 * connects wait for it; when it cannot be made, or drops, every batch waiting for an answer fails (its publishers
 * hear a nack: the home node may or may not have the messages). Each node keeps two to each other: one for its
 * publishes only, and one for everything else (consumes, settles, gets, status reports), so that an ack never waits
 * behind a megabyte of publishes, and so that the home node can stop reading a node's publishes without stopping
 * its acks.
 */
final class LinkPeer {
    private static final Logger LOG = LoggerFactory.getLogger(LinkPeer.class);
    private final String node;
    private final Supplier<InetSocketAddress> address;
    private final EventLoopGroup group;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Consumer<LinkFrames.Published>> waiting = new ConcurrentHashMap<>();
    private final Map<Long, ConsumerSink> sinks = new ConcurrentHashMap<>();
    // gets and purges waiting for their answer: read from the frame on the link's thread, or given null if it drops
    private final Map<Long, Consumer<ByteBuf>> calls = new ConcurrentHashMap<>();
    // guarded by this
    private volatile Channel channel;
    private ChannelFuture connecting;
    private List<ByteBuf> held = new ArrayList<>();
    // run once the connection's outbound buffer drains below its low mark (or the connection goes)
    private List<Runnable> whenWritable = new ArrayList<>();
    private boolean closed;
    // set when a connection attempt failed or the connection dropped; while set, a retry runs every second
    private volatile boolean down;
    // under this: the attempt in progress was made for status reports only (see sendOneWay)
    private boolean quietAttempt;

    private final Supplier<LinkTls> tls;
    private volatile Runnable opened = () -> { };
    // null for the connection of everything but publishes; for the publish connection, the order of its frames
    private final PublishOrder order;

    LinkPeer(String node, Supplier<InetSocketAddress> address, EventLoopGroup group, Supplier<LinkTls> tls,
             boolean publishLane) {
        this.order = publishLane ? new PublishOrder() : null;
        this.node = node;
        this.address = address;
        this.group = group;
        this.tls = tls;
    }

    /**
     * Sends a batch for a queue on this node; takes over one reference of each message. answer (or null for none)
     * runs on the link's thread once the home node has fsynced the batch, or failed to.
     */
    void publish(String vhost, String queue, List<Message> messages, Consumer<LinkFrames.Published> answer) {
        long id = answer == null ? 0 : ids.incrementAndGet();
        if (answer != null) {
            waiting.put(id, answer);
        }
        ByteBuf frame = LinkFrames.publish(ByteBufAllocator.DEFAULT, id, vhost, queue, messages);
        if (order == null) {
            send(frame, id);
            return;
        }
        synchronized (this) { // numbered in the order they are written
            order.sent(vhost, queue);
            send(frame, id);
        }
    }

    /** Runs request once the publishes this node sent to that queue before now are in the queue's hands. */
    void afterPublishes(String vhost, String queue, Runnable request) {
        order.after(vhost, queue, request);
    }

    /** Registers a consumer on this node for a queue on that one; its deliveries go to the sink. */
    void consume(long id, String vhost, String queue, String tag, int prefetch, boolean noAck, int priority,
                 ConsumerSink sink) {
        sinks.put(id, sink);
        send(LinkFrames.consume(ByteBufAllocator.DEFAULT, id, vhost, queue, tag, prefetch, noAck, priority), 0);
    }

    /** As {@link #consume}, with every argument of the consume; the sink hears the home node's answer first. */
    void consumeArgs(long id, String vhost, String queue, String tag, int prefetch, boolean noAck, boolean exclusive,
                     Map<String, Object> arguments, ConsumerSink sink) {
        sinks.put(id, sink);
        send(LinkFrames.consumeArgs(ByteBufAllocator.DEFAULT, id, vhost, queue, tag, prefetch, noAck, exclusive,
                arguments), 0);
    }

    /** Sends a get or purge; answer reads the reply frame (after its id) on the link's thread, or gets null. */
    void call(byte type, String vhost, String queue, boolean noAck, Consumer<ByteBuf> answer) {
        long id = ids.incrementAndGet();
        calls.put(id, answer);
        send(LinkFrames.request(ByteBufAllocator.DEFAULT, type, id, vhost, queue, noAck), -id);
    }

    /**
     * Sends a status report; dropped if the node cannot be reached. An attempt to connect made for reports only
     * does not mark the node down when it fails (a node not started yet is no reason to refuse its queues, as
     * before reports existed); any other frame sent meanwhile makes it an ordinary attempt. While the node is
     * down, reports wait for the retry loop to reconnect rather than start attempts of their own.
     */
    void sendOneWay(ByteBuf frame) {
        synchronized (this) {
            if (!closed && (channel == null || !channel.isActive())) {
                if (down) {
                    frame.release();
                    return;
                }
                held.add(frame);
                if (connecting == null) {
                    quietAttempt = true;
                    connect();
                }
                return;
            }
        }
        send(frame, 0);
    }

    /** Sends a request made with a new id; answer reads the reply (after its id) on the link's thread, or gets null. */
    void ask(java.util.function.LongFunction<ByteBuf> request, Consumer<ByteBuf> answer) {
        long id = ids.incrementAndGet();
        calls.put(id, answer);
        send(request.apply(id), -id);
    }

    /** Asks for up to max ready messages; answer reads the reply (after its id) on the link's thread, or gets null. */
    void take(String vhost, String queue, int max, Consumer<ByteBuf> answer) {
        long id = ids.incrementAndGet();
        calls.put(id, answer);
        send(LinkFrames.take(ByteBufAllocator.DEFAULT, id, vhost, queue, max), -id);
    }

    /** Settles deliveries that node made (ids from its deliver frames). */
    void settle(byte kind, long[] deliveries) {
        send(LinkFrames.settle(ByteBufAllocator.DEFAULT, kind, deliveries), 0);
    }

    /** Cancels a consumer; it delivers nothing more (what it delivered is still to be settled). */
    void cancel(long id) {
        if (sinks.remove(id) != null) {
            send(LinkFrames.cancel(ByteBufAllocator.DEFAULT, LinkFrames.CANCEL, id, null), 0);
        }
    }

    private void send(ByteBuf frame, long id) {
        Channel ch;
        synchronized (this) {
            if (closed) {
                frame.release();
                failAll("node '" + node + "' link closed");
                return;
            }
            ch = channel;
            if (ch == null || !ch.isActive()) {
                held.add(frame);
                quietAttempt = false;
                connect();
                return;
            }
        }
        // one task per batch; the write and the flush go out together
        ch.writeAndFlush(frame).addListener(f -> {
            if (!f.isSuccess()) {
                fail(id, "the link to node '" + node + "' dropped");
            }
        });
    }

    // under this
    private void connect() {
        if (connecting != null) {
            return;
        }
        InetSocketAddress to = address.get();
        if (to == null) {
            dropHeld();
            failAll("node '" + node + "' is not a member of the cluster");
            return;
        }
        connecting = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                // as a client connection's: publishers to the node pause while more than this waits for the socket
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkTls t = tls.get();
                        if (t != null) {
                            ch.pipeline().addLast(t.clientHandler(ch.alloc(), to));
                        }
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(LinkFrames.MAX_FRAME, 0, 4, 0, 4),
                                new Answers());
                    }
                })
                .connect(to);
        connecting.addListener((ChannelFuture f) -> connected(f, to));
    }

    private void connected(ChannelFuture f, InetSocketAddress to) {
        List<ByteBuf> out;
        synchronized (this) {
            connecting = null;
            if (!f.isSuccess() && quietAttempt && !down) {
                quietAttempt = false;
                dropHeld(); // status reports only: they are dropped, the node is not marked down
                return;
            }
            quietAttempt = false;
            if (!f.isSuccess()) {
                LOG.debug("cluster link to node {} at {} failed: {}", node, to, f.cause().toString());
                dropHeld();
                if (down && !closed) {
                    retryLater();
                }
                dropped("node '" + node + "' is down or inaccessible");
                return;
            }
            channel = f.channel();
            down = false;
            out = held;
            held = new ArrayList<>();
            if (order != null) {
                order.opened(out.size());
                out.add(0, LinkFrames.bare(f.channel().alloc(), LinkFrames.PUBLISH_LANE));
            }
        }
        LOG.info("cluster link to node {} at {} open", node, to);
        f.channel().closeFuture().addListener(c -> dropped("the link to node '" + node + "' dropped"));
        // a drop before this is seen by closeFuture, which fails what waits
        for (ByteBuf b : out) {
            f.channel().write(b, f.channel().voidPromise());
        }
        f.channel().flush();
        opened.run();
    }

    /** Runs r (on the link's thread) each time the connection opens, after what waited for it was written. */
    void onOpened(Runnable r) {
        opened = r;
    }

    private void markDown() {
        synchronized (this) {
            if (closed || down) {
                return;
            }
            down = true;
        }
        retryLater();
    }

    private void retryLater() {
        group.schedule(() -> {
            synchronized (this) {
                if (closed || !down) {
                    return;
                }
                if (channel == null || !channel.isActive()) {
                    connect();
                }
            }
        }, 1, TimeUnit.SECONDS);
    }

    /** False while more is waiting for the socket than the link lets pile up (publishers then pause). */
    boolean writable() {
        Channel ch = channel;
        return ch == null || !ch.isActive() || ch.isWritable();
    }

    /** Runs r (on any thread) once {@link #writable()}, at once if it is. */
    void whenWritable(Runnable r) {
        synchronized (this) {
            whenWritable.add(r);
        }
        if (writable()) {
            runWritable();
        }
    }

    private void runWritable() {
        List<Runnable> run;
        synchronized (this) {
            if (whenWritable.isEmpty()) {
                return;
            }
            run = whenWritable;
            whenWritable = new ArrayList<>();
        }
        run.forEach(Runnable::run);
    }

    /** True after a connection attempt failed or the connection dropped, until one succeeds again. */
    boolean down() {
        return down;
    }

    // under this
    private void dropHeld() {
        held.forEach(ByteBuf::release);
        held = new ArrayList<>();
    }

    private void fail(long id, String why) {
        if (id < 0) {
            Consumer<ByteBuf> c = calls.remove(-id);
            if (c != null) {
                c.accept(null);
            }
            return;
        }
        Consumer<LinkFrames.Published> a = id == 0 ? null : waiting.remove(id);
        if (a != null) {
            a.accept(new LinkFrames.Published(id, LinkFrames.FAILED, new int[0], why));
        }
    }

    // the home node puts back what its consumers here had not settled; they are told they are cancelled
    private void dropped(String why) {
        if (order != null) {
            order.lost();
        }
        markDown();
        runWritable();
        failAll(why);
        for (Long id : List.copyOf(sinks.keySet())) {
            ConsumerSink s = sinks.remove(id);
            if (s != null) {
                s.cancelled(why);
            }
        }
    }

    private void failAll(String why) {
        for (Long id : List.copyOf(calls.keySet())) {
            Consumer<ByteBuf> c = calls.remove(id);
            if (c != null) {
                c.accept(null);
            }
        }
        for (Long id : List.copyOf(waiting.keySet())) {
            Consumer<LinkFrames.Published> a = waiting.remove(id);
            if (a != null) {
                a.accept(new LinkFrames.Published(id, LinkFrames.FAILED, new int[0], why));
            }
        }
    }

    /** Connects, unless connected, connecting, or waiting to retry after a failure. */
    synchronized void open() {
        if (!closed && !down && (channel == null || !channel.isActive())) {
            connect();
        }
    }

    /** True while the connection to the node is open. */
    synchronized boolean connected() {
        return channel != null && channel.isActive();
    }

    void close() {
        Channel ch;
        synchronized (this) {
            closed = true;
            ch = channel;
            dropHeld();
        }
        if (ch != null) {
            ch.close();
        }
        dropped("this node is stopping");
    }

    /** Answers from the home node, matched to their batches. */
    private final class Answers extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            byte type = in.readByte();
            switch (type) {
                case LinkFrames.PUBLISHED -> {
                    LinkFrames.Published p = LinkFrames.readPublished(in);
                    Consumer<LinkFrames.Published> a = waiting.remove(p.id());
                    if (a != null) {
                        a.accept(p);
                    }
                }
                case LinkFrames.DELIVER -> deliver(in);
                case LinkFrames.HANDLED -> {
                    if (order != null) {
                        order.handled(in.readLong());
                    }
                }
                case LinkFrames.GOT, LinkFrames.PURGED, LinkFrames.COUNTED, LinkFrames.TAKEN,
                        LinkFrames.CONSUMER_LIST, LinkFrames.SNAPSHOT_META, LinkFrames.SNAPSHOT_BODIES -> {
                    Consumer<ByteBuf> c = calls.remove(in.readLong());
                    if (c != null) {
                        c.accept(in);
                    }
                }
                case LinkFrames.CONSUMED -> {
                    long id = in.readLong();
                    int code = in.readUnsignedShort();
                    ConsumerSink s = code == 0 ? sinks.get(id) : sinks.remove(id);
                    if (s != null) {
                        s.consumed(code, LinkFrames.readString(in));
                    }
                }
                case LinkFrames.CANCELLED -> {
                    long id = in.readLong();
                    ConsumerSink s = sinks.remove(id);
                    if (s != null) {
                        s.cancelled(LinkFrames.readString(in));
                    }
                }
                default -> {
                    LOG.warn("cluster link to node {}: unknown frame type {}; closing it", node, type);
                    ctx.close();
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                runWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        private void deliver(ByteBuf in) {
            long id = in.readLong();
            int n = in.readInt();
            List<ConsumerSink.Delivery> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long delivery = in.readLong();
                boolean redelivered = in.readBoolean();
                out.add(new ConsumerSink.Delivery(delivery, redelivered, LinkFrames.readMessage(in)));
            }
            ConsumerSink s = sinks.get(id);
            if (s != null) {
                s.deliver(out);
                return;
            }
            // the consumer was cancelled meanwhile: the home node takes them back, unseen
            out.forEach(d -> d.message().release());
            long[] ids = out.stream().mapToLong(ConsumerSink.Delivery::id).filter(d -> d != 0).toArray();
            if (ids.length > 0) {
                settle(LinkFrames.UNDELIVERED, ids);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("cluster link to node {} failed: {}", node, cause.toString());
            ctx.close();
        }
    }
}
