package io.warren.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import io.warren.broker.ListenerException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.tls.ServerTlsContext;
import io.warren.management.api.ApiContext;
import io.warren.management.api.ApiRoutes;
import io.warren.management.http.BasicAuth;
import io.warren.management.http.HttpDispatcher;
import io.warren.management.http.HttpLimits;
import io.warren.management.http.HttpTimeouts;
import io.warren.management.http.RequestGate;
import io.warren.management.http.Router;
import io.warren.management.metrics.RateSampler;
import io.warren.management.metrics.WarrenMetrics;
import io.warren.management.prometheus.PrometheusDispatcher;
import io.warren.management.prometheus.RabbitmqMetrics;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP server: API, console and /metrics on one port, and on an HTTPS port too when TLS is set up;
 * optionally RabbitMQ's Prometheus endpoints on a port of their own, sharing the threads, limits and connection cap.
 * It has threads of its own (one to accept and read, a few to run requests, one to sample rates) so that it never
 * runs on, or blocks, a broker thread.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /** How often rates are sampled; RabbitMQ samples every 5 s, a little more often makes live charts smoother. */
    private static final long SAMPLE_MILLIS = 2000;

    private final BrokerAdmin admin;
    private final String bindAddress;
    private final int port;
    private final HttpLimits limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong lastRefusalLog = new AtomicLong();
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
    private boolean metricsAuth;
    private Channel httpsChannel;
    private int prometheusPort = -1;
    private Channel prometheusChannel;

    public ManagementServer(BrokerAdmin admin, String bindAddress, int port) {
        this(admin, bindAddress, port, HttpLimits.defaults());
    }

    public ManagementServer(BrokerAdmin admin, String bindAddress, int port, HttpLimits limits) {
        this(admin, bindAddress, port, limits, -1, null);
    }

    public ManagementServer(BrokerAdmin admin, String bindAddress, int port, int httpsPort, ServerTlsContext tls) {
        this(admin, bindAddress, port, HttpLimits.defaults(), httpsPort, tls);
    }

    /**
     * A server on an HTTP port (-1: none) and, when tls is given, an HTTPS port (-1: none); 0 picks a free port.
     */
    public ManagementServer(BrokerAdmin admin, String bindAddress, int port, HttpLimits limits, int httpsPort,
                            ServerTlsContext tls) {
        this.admin = admin;
        this.bindAddress = bindAddress;
        this.port = port;
        this.limits = limits;
        this.httpsPort = tls == null ? -1 : httpsPort;
        this.tls = tls;
        this.rates = new RateSampler(admin);
    }

    /**
     * Whether /metrics needs the basic auth of a monitoring or administrator user (default: open, for Prometheus);
     * set before {@link #start}.
     */
    public ManagementServer metricsAuth(boolean required) {
        this.metricsAuth = required;
        return this;
    }

    /**
     * Also serves rabbitmq_prometheus' endpoints (/metrics, /metrics/per-object under RabbitMQ's metric names) on a
     * port of their own, plain HTTP, with the same bind address, limits and metrics-auth (-1: none, the default;
     * 0 picks a free port); set before {@link #start}.
     */
    public ManagementServer prometheusPort(int port) {
        this.prometheusPort = port;
        return this;
    }

    /**
     * Binds the HTTP and HTTPS listeners and starts sampling; a listener that cannot bind throws
     * {@link ListenerException} after this server has closed what it had started.
     */
    public ManagementServer start() throws InterruptedException {
        ApiContext ctx = new ApiContext(admin, rates, bindAddress, this::port, this::httpsPort);
        Router router = ApiRoutes.create(ctx);
        BasicAuth auth = new BasicAuth(admin.access());
        HttpDispatcher dispatcher = new HttpDispatcher(router, auth, new WarrenMetrics(admin, rates), metricsAuth);
        Supplier<RequestGate> gates = RequestGate.factory(router, auth, limits);
        warnIfConnectionsCouldTakeTheFileDescriptors();
        try {
            if (port >= 0) {
                serverChannel = bind(port, dispatcher, gates, false, "HTTP");
                LOG.info("Warren management (API, console, /metrics) listening on http://{}:{}/", bindAddress,
                        port());
            }
            if (httpsPort >= 0) {
                httpsChannel = bind(httpsPort, dispatcher, gates, true, "HTTPS");
                LOG.info("Warren management (API, console, /metrics) listening on https://{}:{}/", bindAddress,
                        httpsPort());
            }
            if (prometheusPort >= 0) {
                PrometheusDispatcher prometheus = new PrometheusDispatcher(new RabbitmqMetrics(admin), auth,
                        metricsAuth);
                // no API routes on this port: every request has a body limit of 0 and /api paths are not found
                prometheusChannel = bind(prometheusPort, prometheus, RequestGate.factory(new Router(), auth, limits),
                        false, "Prometheus");
                LOG.info("Prometheus metrics (RabbitMQ's names) listening on http://{}:{}/metrics", bindAddress,
                        prometheusPort());
            }
        } catch (ListenerException e) {
            close(); // its threads would otherwise keep the process alive
            throw e;
        }
        sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private Channel bind(int listenPort, ChannelHandler dispatcher, Supplier<RequestGate> gates, boolean https,
                         String listener)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admitConnection(ch)) {
                            return;
                        }
                        open.add(ch);
                        if (https) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        HttpTimeouts timeouts = new HttpTimeouts(limits.idleTimeoutMillis(),
                                limits.requestTimeoutMillis());
                        ch.pipeline().addLast(timeouts.byteWatch());
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(timeouts);
                        ch.pipeline().addLast(gates.get());
                        ch.pipeline().addLast(new HttpObjectAggregator(limits.maxBody()));
                        ch.pipeline().addLast(workers, dispatcher);
                    }
                });
        try {
            return b.bind(new InetSocketAddress(bindAddress, listenPort)).sync().channel();
        } catch (Exception e) {
            // sync() rethrows the bind's checked failure (a port in use, an address not on this host) unchecked
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new ListenerException(listener, bindAddress, listenPort, e);
        }
    }

    /** Past the cap a connection is closed as soon as it is accepted: its file descriptor is back at once. */
    private boolean admitConnection(SocketChannel ch) {
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            ch.close();
            long now = System.nanoTime();
            long last = lastRefusalLog.get();
            if (now - last > TimeUnit.SECONDS.toNanos(10) && lastRefusalLog.compareAndSet(last, now)) {
                LOG.warn("management HTTP connection from {} refused: {} are open (http-max-connections)",
                        ch.remoteAddress(), limits.maxConnections());
            }
            return false;
        }
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        return true;
    }

    /**
     * The cap is what keeps HTTP clients from taking the file descriptors AMQP connections need; say so when it
     * leaves AMQP less than half of them.
     */
    private void warnIfConnectionsCouldTakeTheFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long max = os.getMaxFileDescriptorCount();
            if (limits.maxConnections() > max / 2) {
                LOG.warn("http-max-connections {} is more than half of this process's file descriptor limit {}: "
                        + "HTTP clients could leave AMQP connections without any; lower it or raise ulimit -n",
                        limits.maxConnections(), max);
            }
        }
    }

    /** Open HTTP connections, for tests and metrics. */
    public int openConnections() {
        return connections.get();
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

    /** The Prometheus port, or -1 when it is off. */
    public int prometheusPort() {
        return prometheusChannel == null ? -1 : ((InetSocketAddress) prometheusChannel.localAddress()).getPort();
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
        if (prometheusChannel != null) {
            prometheusChannel.close().syncUninterruptibly();
        }
        // connections first, while their threads still run to handle the close
        open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
