package io.warren.cluster.link;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.warren.broker.Broker;
import io.warren.broker.message.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node-to-node message link: a listener for the batches other nodes send to this node's queues, and one
 * connection to each other node for what this node sends to theirs. Its own port (the cluster port + 1), its own
 * event loop, and Warren's own framing ({@link LinkFrames}): messages never go through the Raft log.
 */
public final class ClusterLink implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("warren-cluster-link",
            true));
    private final Function<String, InetSocketAddress> addresses;
    private final Map<String, LinkPeer> peers = new ConcurrentHashMap<>();
    private volatile Broker broker;
    private Channel server;

    /** addresses: a node's link address from its name (null for a node not in the cluster). */
    public ClusterLink(Function<String, InetSocketAddress> addresses) {
        this.addresses = addresses;
    }

    /** The link port of a node whose cluster (Raft) traffic is on clusterPort. */
    public static int linkPort(int clusterPort) {
        return clusterPort + 1;
    }

    /** Starts listening on the given address, for this broker's queues. */
    public void start(Broker broker, InetSocketAddress listen) throws IOException {
        this.broker = broker;
        HomeSide home = new HomeSide(() -> this.broker);
        try {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(LinkFrames.MAX_FRAME, 0, 4, 0, 4),
                                    home);
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

    /**
     * Sends a batch to a queue on another node; takes over one reference of each message. answer (null for none)
     * runs once the home node has fsynced it or it failed.
     */
    public void publish(String node, String vhost, String queue, List<Message> messages,
                        Consumer<PublishAnswer> answer) {
        peer(node).publish(vhost, queue, messages, answer == null ? null
                : p -> answer.accept(new PublishAnswer(p.outcome() == LinkFrames.OK, p.refused(), p.error())));
    }

    /** True while this node's connection to that node is open. */
    public boolean connected(String node) {
        LinkPeer p = peers.get(node);
        return p != null && p.connected();
    }

    private LinkPeer peer(String node) {
        return peers.computeIfAbsent(node, n -> new LinkPeer(n, () -> addresses.apply(n), group));
    }

    /** What the home node answered a batch: taken (and fsynced), or failed; indices of messages a full queue refused. */
    public record PublishAnswer(boolean ok, int[] refused, String error) {
    }

    @Override
    public void close() {
        peers.values().forEach(LinkPeer::close);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
