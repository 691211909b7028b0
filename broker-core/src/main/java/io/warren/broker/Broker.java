package io.warren.broker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.warren.broker.auth.LoopbackUsers;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.UserRegistry;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.stats.MessageTotals;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.frame.FrameDecoder;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running broker: its listener, event loops, virtual hosts, users and connections. */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final UserRegistry users = new UserRegistry();
    private final LoopbackUsers loopbackUsers;
    private final ConcurrentHashMap<String, VirtualHost> vhosts = new ConcurrentHashMap<>();
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final MessageTotals messageTotals = new MessageTotals();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final boolean epoll;
    private Channel serverChannel;

    public Broker(BrokerConfig config) {
        this.config = config;
        this.epoll = Epoll.isAvailable();
        this.loopbackUsers = new LoopbackUsers(config.loopbackUsers() && config.defaultUser() != null
                ? Set.of(config.defaultUser()) : Set.of());
        int threads = Runtime.getRuntime().availableProcessors();
        this.bossGroup = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workerGroup = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        if (config.defaultUser() != null) {
            users.putUser(config.defaultUser(), config.defaultPass(), Set.of("administrator"));
            addVhost("/");
            users.setPermission(config.defaultUser(), "/", Permission.ALL);
        }
    }

    /** Binds the AMQP listener; returns this. */
    public Broker start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new FrameDecoder());
                        ch.pipeline().addLast("amqp", new AmqpConnection(Broker.this, ch));
                    }
                });
        serverChannel = b.bind(new InetSocketAddress(config.bindAddress(), config.amqpPort())).sync().channel();
        LOG.info("Warren AMQP 0-9-1 listening on {}:{} ({} transport)", config.bindAddress(), port(),
                epoll ? "epoll" : "nio");
        return this;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public BrokerConfig config() {
        return config;
    }

    public LoopbackUsers loopbackUsers() {
        return loopbackUsers;
    }

    public UserRegistry users() {
        return users;
    }

    public VirtualHost vhost(String name) {
        return vhosts.get(name);
    }

    public Collection<VirtualHost> vhosts() {
        return vhosts.values();
    }

    public VirtualHost addVhost(String name) {
        return vhosts.computeIfAbsent(name, n -> new VirtualHost(n, workerGroup::next));
    }

    /** Removes a vhost: its connections are closed and its queues deleted. Returns false if there was none. */
    public boolean removeVhost(String name) {
        VirtualHost v = vhosts.remove(name);
        if (v == null) {
            return false;
        }
        for (AmqpConnection c : connections) {
            if (c.vhost() == v) {
                c.forceClose();
            }
        }
        for (var q : v.queues()) {
            if (v.removeQueue(q)) {
                q.execute(q::delete);
            }
        }
        return true;
    }

    /** Broker-wide message totals, for statistics. */
    public MessageTotals messageTotals() {
        return messageTotals;
    }

    public Set<AmqpConnection> connections() {
        return connections;
    }

    public void register(AmqpConnection c) {
        connections.add(c);
    }

    public void unregister(AmqpConnection c) {
        connections.remove(c);
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        for (AmqpConnection c : connections) {
            c.forceClose();
        }
        bossGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("Warren stopped");
    }
}
