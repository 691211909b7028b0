package io.warren.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.tls.ServerTlsContext;
import io.warren.management.api.ApiContext;
import io.warren.management.api.ApiRoutes;
import io.warren.management.http.BasicAuth;
import io.warren.management.http.HttpDispatcher;
import io.warren.management.metrics.RateSampler;
import io.warren.management.metrics.WarrenMetrics;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP server: API, console and /metrics on one port, and on an HTTPS port too when TLS is set up.
 * It has threads of its own (one to accept and read, a few to run requests, one to sample rates) so that it never
 * runs on, or blocks, a broker thread.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /** Largest request body accepted (definitions files can be big). */
    private static final int MAX_BODY = 64 * 1024 * 1024;
    /** How often rates are sampled; RabbitMQ samples every 5 s, a little more often makes live charts smoother. */
    private static final long SAMPLE_MILLIS = 2000;

    private final BrokerAdmin admin;
    private final String bindAddress;
    private final int port;
    private final int httpsPort;
    private final ServerTlsContext tls;
    private final EventLoopGroup io = new NioEventLoopGroup(1);
    private final EventExecutorGroup workers = new DefaultEventExecutorGroup(4);
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-mgmt-sampler");
        t.setDaemon(true);
        return t;
    });
    private final RateSampler rates;
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;
    private Channel httpsChannel;

    public ManagementServer(BrokerAdmin admin, String bindAddress, int port) {
        this(admin, bindAddress, port, -1, null);
    }

    /**
     * A server on an HTTP port (-1: none) and, when tls is given, an HTTPS port (-1: none); 0 picks a free port.
     */
    public ManagementServer(BrokerAdmin admin, String bindAddress, int port, int httpsPort, ServerTlsContext tls) {
        this.admin = admin;
        this.bindAddress = bindAddress;
        this.port = port;
        this.httpsPort = tls == null ? -1 : httpsPort;
        this.tls = tls;
        this.rates = new RateSampler(admin);
    }

    public ManagementServer start() throws InterruptedException {
        ApiContext ctx = new ApiContext(admin, rates);
        HttpDispatcher dispatcher = new HttpDispatcher(ApiRoutes.create(ctx), new BasicAuth(admin.access()),
                new WarrenMetrics(admin, rates));
        if (port >= 0) {
            serverChannel = bind(port, dispatcher, false);
            LOG.info("Warren management (API, console, /metrics) listening on http://{}:{}/", bindAddress, port());
        }
        if (httpsPort >= 0) {
            httpsChannel = bind(httpsPort, dispatcher, true);
            LOG.info("Warren management (API, console, /metrics) listening on https://{}:{}/", bindAddress,
                    httpsPort());
        }
        sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private Channel bind(int listenPort, HttpDispatcher dispatcher, boolean https) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        open.add(ch);
                        if (https) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(MAX_BODY));
                        ch.pipeline().addLast(workers, dispatcher);
                    }
                });
        return b.bind(new InetSocketAddress(bindAddress, listenPort)).sync().channel();
    }

    private void sample() {
        try {
            rates.sample();
        } catch (RuntimeException e) {
            LOG.warn("rate sampling failed: {}", e.toString());
        }
    }

    /** The HTTP port, or -1 when HTTP is off. */
    public int port() {
        return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return httpsChannel == null ? -1 : ((InetSocketAddress) httpsChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (httpsChannel != null) {
            httpsChannel.close().syncUninterruptibly();
        }
        // connections first, while their threads still run to handle the close
        open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
