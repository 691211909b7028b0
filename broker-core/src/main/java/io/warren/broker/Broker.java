package io.warren.broker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.warren.broker.alarm.ResourceAlarms;
import io.warren.broker.auth.LoopbackUsers;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.UserRegistry;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.durable.DefinitionReplication;
import io.warren.broker.durable.DefinitionRestorer;
import io.warren.broker.durable.DurableDefinitions;
import io.warren.broker.params.RuntimeParameters;
import io.warren.broker.params.SettingsRestorer;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueType;
import io.warren.store.MessageStore;
import io.warren.store.SyncStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.warren.broker.stats.ChurnCounters;
import io.warren.broker.stats.MessageTotals;
import io.warren.broker.tls.ServerTlsContext;
import io.warren.broker.tls.TlsSettings;
import io.warren.broker.vhost.VirtualHost;
import io.warren.store.definitions.StoredDefinitions;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running broker: its listener, event loops, virtual hosts, users and connections. */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final io.warren.broker.queue.QueuePlacement placement;
    private final DurableDefinitions definitions;
    private final UserRegistry users;
    private final RuntimeParameters parameters;
    private final LoopbackUsers loopbackUsers;
    private final ConcurrentHashMap<String, VirtualHost> vhosts = new ConcurrentHashMap<>();
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final MessageTotals messageTotals = new MessageTotals();
    private final ChurnCounters churn = new ChurnCounters();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final boolean epoll;
    private final ResourceAlarms alarms;
    private final MessageStore messageStore;
    private final QueueStorage queueStorage;
    /** Definitions are restored: delayed exchanges may fire (see VirtualHost#startDelayedExchanges). */
    private volatile boolean restored;
    private final ServerTlsContext tlsContext;
    private final Recovery recovery;
    /** Where definition changes wait for the cluster, off the event loops; null on a single node (inline). */
    private final ExecutorService definitionChanges;
    private Channel serverChannel;
    private Channel tlsChannel;

    /**
     * Opens the definitions store under the data directory and recreates what it holds, so that a definitions
     * file applied afterwards finds its durable things already there.
     */
    public Broker(BrokerConfig config) {
        this(config, DefinitionReplication.LOCAL);
    }

    /**
     * A broker whose definition changes go through the replication (a cluster's log) before they take effect; the
     * store under the data directory holds what has been applied.
     */
    public Broker(BrokerConfig config, DefinitionReplication replication) {
        this.config = config;
        this.placement = replication.placement();
        // first: bad certificate files stop the start before any store is opened or thread started
        this.tlsContext = config.tls() == null ? null : ServerTlsContext.load(config.tls());
        // before any thread starts: a store that cannot be opened (another broker has it) fails fast
        try {
            this.definitions = DurableDefinitions.open(config.dataDir(), replication);
        } catch (RuntimeException e) {
            closeTls();
            throw e;
        }
        // its one thread starts with the first change, so a failed start leaves none behind
        this.definitionChanges = replication.waitsForOthers() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "warren-definitions");
            t.setDaemon(true);
            return t;
        }) : null;
        this.users = new UserRegistry(definitions.journal());
        this.parameters = new RuntimeParameters(definitions.journal(), vhosts::get);
        this.epoll = Epoll.isAvailable();
        this.loopbackUsers = new LoopbackUsers(config.loopbackUsers() && config.defaultUser() != null
                ? Set.of(config.defaultUser()) : Set.of());
        this.alarms = new ResourceAlarms(config.memoryHighWatermark(), config.dataDir(), config.diskFreeLimit());
        alarms.onChange(() -> connections.forEach(AmqpConnection::alarmsChanged));
        int threads = Runtime.getRuntime().availableProcessors();
        this.bossGroup = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workerGroup = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        try {
            this.messageStore = openStore(config);
        } catch (RuntimeException e) {
            shutDownEventLoops();
            definitions.close();
            closeTls();
            throw e;
        }
        this.queueStorage = new QueueStorage(messageStore, config.queueWindow(), alarms::memoryPressure);
        try {
            long began = System.nanoTime();
            StoredDefinitions stored = definitions.load();
            // restored durable queues reopen their logs, with their messages; every other log is left over
            new DefinitionRestorer(this).restore(stored);
            new SettingsRestorer(users, parameters).restore(stored);
            queueStorage.deleteUnusedLogs(this::persistsMessages);
            queueStorage.deleteUnusedStreams(this::isStream);
            restored = true;
            this.recovery = Recovery.of(stored, vhosts.values(),
                    java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            vhosts.values().forEach(VirtualHost::startDelayedExchanges);
            definitions.startRecording();
            // as in RabbitMQ, the default user and vhost are made on first boot only: one deleted stays deleted
            if (stored.users().isEmpty() && config.defaultUser() != null && replication.createsDefaults()) {
                users.putUser(config.defaultUser(), config.defaultPass(), Set.of("administrator"));
                addVhost("/");
                users.setPermission(config.defaultUser(), "/", Permission.ALL);
            }
        } catch (RuntimeException e) {
            shutDownEventLoops();
            definitions.close();
            closeTls();
            closeStore();
            throw e;
        }
    }

    private boolean persistsMessages(String vhost, String queue) {
        VirtualHost v = vhosts.get(vhost);
        AmqpQueue q = v == null ? null : v.queue(queue);
        return q != null && q.persistsMessages();
    }

    private boolean isStream(String vhost, String queue) {
        VirtualHost v = vhosts.get(vhost);
        AmqpQueue q = v == null ? null : v.queue(queue);
        return q != null && q.type() == QueueType.STREAM;
    }

    private static MessageStore openStore(BrokerConfig config) {
        try {
            return MessageStore.open(config.dataDir().resolve("messages"), config.store());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the message store under " + config.dataDir(), e);
        }
    }

    private void closeStore() {
        try {
            messageStore.close();
        } catch (IOException e) {
            LOG.warn("closing the message store failed", e);
        }
    }

    /** What was restored from the data directory when this broker was made. */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * Binds the AMQP listeners (plain, and AMQPS when TLS is configured); returns this. A listener that cannot bind
     * throws {@link ListenerException}; the caller closes the broker.
     */
    public Broker start() throws InterruptedException {
        alarms.start();
        if (config.amqpPort() >= 0) {
            serverChannel = bind("AMQP", config.amqpPort(), null);
            LOG.info("Warren AMQP 0-9-1 listening on {}:{} ({} transport)", config.bindAddress(), port(),
                    epoll ? "epoll" : "nio");
        }
        if (tlsContext != null && config.amqpsPort() >= 0) {
            tlsChannel = bind("AMQPS", config.amqpsPort(), tlsContext);
            LOG.info("Warren AMQP 0-9-1 over TLS listening on {}:{} ({} engine, client certificates {})",
                    config.bindAddress(), tlsPort(), tlsContext.engine(), clientCertificates(config.tls()));
        }
        return this;
    }

    private static String clientCertificates(TlsSettings s) {
        return !s.verifyPeer() ? "not asked for" : s.failIfNoPeerCert() ? "required" : "verified when sent";
    }

    private Channel bind(String listener, int port, ServerTlsContext tls) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new AmqpChannelInitializer(this, tls));
        try {
            return b.bind(new InetSocketAddress(config.bindAddress(), port)).sync().channel();
        } catch (Exception e) {
            // sync() rethrows the bind's checked failure (a port in use, an address not on this host) unchecked
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new ListenerException(listener, config.bindAddress(), port, e);
        }
    }

    /** The plain AMQP listener's port, or -1 when it is off. */
    public int port() {
        return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The AMQPS listener's port, or -1 when TLS is not configured. */
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    /** The TLS context the AMQPS listener uses (the management HTTPS listener may share it), or null. */
    public ServerTlsContext tlsContext() {
        return tlsContext;
    }

    public BrokerConfig config() {
        return config;
    }

    /** Group commits of the message store so far. */
    public SyncStats syncStats() {
        return messageStore.syncStats();
    }

    /** Where queues keep messages: their memory window, the broker-wide budget of ready messages, their logs. */
    public QueueStorage queueStorage() {
        return queueStorage;
    }

    /** The memory and disk alarms: which are on, what was measured, and the limits (changeable at runtime). */
    public ResourceAlarms alarms() {
        return alarms;
    }

    public LoopbackUsers loopbackUsers() {
        return loopbackUsers;
    }

    public UserRegistry users() {
        return users;
    }

    /** Vhost limits, vhost metadata, and the runtime and global parameters kept for RabbitMQ's tools. */
    /** Where this broker's durable queues live, and what makes its quorum queues (see QueuePlacement). */
    public io.warren.broker.queue.QueuePlacement placement() {
        return placement;
    }

    public RuntimeParameters parameters() {
        return parameters;
    }

    public VirtualHost vhost(String name) {
        return vhosts.get(name);
    }

    public Collection<VirtualHost> vhosts() {
        return vhosts.values();
    }

    public VirtualHost addVhost(String name) {
        return vhosts.computeIfAbsent(name, n -> {
            definitions.journal().vhostAdded(n);
            VirtualHost v = new VirtualHost(n, workerGroup::next, definitions.journal(), definitionChanges,
                    queueStorage, messageTotals::deadLettered, churn, placement);
            if (restored) {
                v.startDelayedExchanges();
            }
            return v;
        });
    }

    /** Removes a vhost: its connections are closed and its queues deleted. Returns false if there was none. */
    public boolean removeVhost(String name) {
        VirtualHost v = vhosts.remove(name);
        if (v == null) {
            return false;
        }
        definitions.journal().vhostDeleted(name);
        users.vhostRemoved(name);
        parameters.vhostRemoved(name);
        // stored policies would otherwise come back with a vhost of the same name
        for (var p : v.policies().list()) {
            v.clearPolicy(p.name());
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
        for (var x : v.exchanges()) {
            if (x.delayed() != null) {
                x.delayed().delete(); // its messages and logs go with the vhost
            }
        }
        return true;
    }

    /** Broker-wide message totals, for statistics. */
    public MessageTotals messageTotals() {
        return messageTotals;
    }

    /** Connections accepted and closed, queues declared, created and deleted since start, for statistics. */
    public ChurnCounters churn() {
        return churn;
    }

    public Set<AmqpConnection> connections() {
        return connections;
    }

    public void register(AmqpConnection c) {
        if (connections.add(c)) {
            churn.connectionOpened();
        }
    }

    public void unregister(AmqpConnection c) {
        if (connections.remove(c)) {
            churn.connectionClosed();
        }
    }

    /**
     * The single thread on which AMQP definition changes wait for the cluster's commit, so that the event loops
     * keep serving other connections and queues meanwhile; null on a single node, where changes are written inline.
     */
    public Executor definitionChanges() {
        return definitionChanges;
    }

    @Override
    public void close() {
        alarms.close();
        // closing connections deletes their exclusive and auto-delete things: none of that is a change to keep
        definitions.stopRecording();
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (tlsChannel != null) {
            tlsChannel.close().syncUninterruptibly();
        }
        closeTls();
        // delayed messages stop firing first: one fired into a closing queue would only come back at the next start
        for (VirtualHost v : vhosts.values()) {
            v.exchanges().forEach(x -> {
                if (x.delayed() != null) {
                    x.delayed().stop();
                }
            });
        }
        // before the connections go: their consumers leaving must not auto-delete durable queues' logs
        for (VirtualHost v : vhosts.values()) {
            for (AmqpQueue q : v.queues()) {
                q.execute(q::close);
            }
        }
        for (AmqpConnection c : connections) {
            c.forceClose();
        }
        shutDownEventLoops();
        if (definitionChanges != null) {
            // a change still waiting for a majority is abandoned; its client is gone with the event loops
            definitionChanges.shutdownNow();
        }
        definitions.close();
        closeStore();
        LOG.info("Warren stopped");
    }

    private void closeTls() {
        if (tlsContext != null) {
            tlsContext.close();
        }
    }

    private void shutDownEventLoops() {
        bossGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
