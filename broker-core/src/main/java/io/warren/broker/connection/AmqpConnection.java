package io.warren.broker.connection;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;
import static io.warren.codec.ReplyCodes.CHANNEL_ERROR;
import static io.warren.codec.ReplyCodes.COMMAND_INVALID;
import static io.warren.codec.ReplyCodes.CONNECTION_FORCED;
import static io.warren.codec.ReplyCodes.UNEXPECTED_FRAME;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.Broker;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.User;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.tls.TlsSessionInfo;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.AmqpProtocolException;
import io.warren.codec.Method;
import io.warren.codec.frame.ContentBodyFrame;
import io.warren.codec.frame.ContentHeaderFrame;
import io.warren.codec.frame.Frame;
import io.warren.codec.frame.HeartbeatFrame;
import io.warren.codec.frame.MethodFrame;
import io.warren.codec.frame.ProtocolHeaderReceived;
import io.warren.codec.methods.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One client connection: the handshake, heartbeats, the demultiplexing of frames to channels, and the close
 * handshake. Lives on one event loop; every method runs on that loop.
 */
public final class AmqpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final int CLOSE_OK_TIMEOUT_SECONDS = 3;
    private static final int CLIENT_HANG_UP_TIMEOUT_SECONDS = 30;

    private enum State { AWAITING_HEADER, AWAITING_START_OK, AWAITING_TUNE_OK, AWAITING_OPEN, OPEN, CLOSING, CLOSED }

    private final Broker broker;
    private final Channel socket;
    private final long id = IDS.incrementAndGet();
    private final long connectedAt = System.currentTimeMillis();
    private final ChannelTable channels = new ChannelTable();
    private final Handshake handshake;
    private final QueueWorkBatch queueWork = new QueueWorkBatch();
    private final List<AmqpQueue> exclusiveQueues = new ArrayList<>();
    private boolean exclusiveQueuesReleased;
    private final PublisherFlow flow;
    private final AlarmBlock alarmBlock;
    private final ConnectionLog log = new ConnectionLog(this);
    private ChannelHandlerContext ctx;
    private FrameOutput out;
    private State state = State.AWAITING_HEADER;
    private ScheduledFuture<?> hangUp;
    private ScheduledFuture<?> ackTimeoutChecks;

    public AmqpConnection(Broker broker, Channel socket) {
        this.broker = broker;
        this.socket = socket;
        this.flow = new PublisherFlow(socket);
        this.alarmBlock = new AlarmBlock(this, flow, broker.alarms());
        this.handshake = new Handshake(broker, this, socket);
    }

    // ---- facts other parts read ----

    public long id() {
        return id;
    }

    public String name() {
        return remoteAddress() + " -> " + localAddress();
    }

    public String remoteAddress() {
        InetSocketAddress a = (InetSocketAddress) socket.remoteAddress();
        return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public String localAddress() {
        InetSocketAddress a = (InetSocketAddress) socket.localAddress();
        return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public long connectedAt() {
        return connectedAt;
    }

    public User user() {
        return handshake.user();
    }

    public VirtualHost vhost() {
        return handshake.vhost();
    }

    public Permission permission() {
        return handshake.permission();
    }

    public Map<String, Object> clientProperties() {
        return handshake.clientProperties();
    }

    /** The SASL mechanism the client logged in with and the TLS session, for the management API. */
    public ConnectionSecurity security() {
        return new ConnectionSecurity(handshake.mechanism(), TlsSessionInfo.of(socket));
    }

    public int frameMax() {
        return handshake.frameMax();
    }

    public int channelMax() {
        return handshake.channelMax();
    }

    public int heartbeat() {
        return handshake.heartbeat();
    }

    public Broker broker() {
        return broker;
    }

    public EventExecutor executor() {
        return socket.eventLoop();
    }

    public FrameOutput output() {
        return out;
    }

    public boolean isWritable() {
        return socket.isWritable();
    }

    /** The open channels; call on this connection's thread only (statistics take a snapshot there). */
    public List<AmqpChannel> channelsOnLoop() {
        return channels.snapshot();
    }

    public int channelCount() {
        return channels.size();
    }

    /** Hands a message to a queue at the end of the batch; barrier (or null) waits for it to reach disk. */
    public void publishTo(AmqpQueue q, Message m, PublishBarrier barrier, long confirmTag) {
        queueWork.publish(q, m, barrier, confirmTag);
        flow.publishedTo(q);
    }

    /** True while reading is paused because a queue this connection publishes to is in flow control. */
    public boolean isInFlow() {
        return flow.isBlocked();
    }

    /** True while reading is paused because the connection published while a resource alarm was on. */
    public boolean isBlockedByAlarm() {
        return alarmBlock.isBlocked();
    }

    /** True while reading is paused because the client leaves what the broker writes unread. */
    public boolean isHeldForOutput() {
        return flow.isHeldForOutput();
    }

    /** Bytes written to the socket that the client has not taken yet (0 once closed); any thread, a snapshot. */
    public long pendingOutboundBytes() {
        var buffer = socket.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** The broker's resource alarms changed; called from any thread. */
    public void alarmsChanged() {
        executor().execute(alarmBlock::alarmsChanged);
    }

    /** The queue's delivery is finished with (acked, or rejected without requeue). */
    public void settleWith(AmqpQueue q, QueueEntry entry) {
        queueWork.settle(q, entry);
    }

    /** The delivery was rejected without requeue: the queue dead-letters or drops it (and releases it). */
    public void rejectWith(AmqpQueue q, QueueEntry entry) {
        queueWork.reject(q, entry);
    }

    /** Sends gathered queue work now, so a following request to the queue is ordered after it. */
    public void flushQueueWork() {
        queueWork.flush();
    }

    /**
     * The connection will delete the queue when it closes; false if it has closed already (a declare that
     * finished off the event loop after the connection went), and the caller deletes it.
     */
    public boolean ownExclusiveQueue(AmqpQueue q) {
        if (exclusiveQueuesReleased) {
            return false;
        }
        exclusiveQueues.add(q);
        return true;
    }

    public void forgetExclusiveQueue(AmqpQueue q) {
        exclusiveQueues.remove(q);
    }

    // ---- Netty events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.out = new FrameOutput(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        broker.register(this);
        log.accepted();
        // the client has a limited time to finish the handshake, as in RabbitMQ
        ctx.executor().schedule(() -> {
            if (state.ordinal() < State.OPEN.ordinal() && socket.isActive()) {
                log.closing("handshake not completed in time", Level.WARN);
                socket.close();
            }
        }, 10, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg == ProtocolHeaderReceived.INSTANCE) {
            onProtocolHeader();
            return;
        }
        Frame frame = (Frame) msg;
        if (state == State.CLOSING || state == State.CLOSED) {
            whileClosing(frame);
            return;
        }
        try {
            if (frame.channel() == 0) {
                onChannelZero(frame);
            } else {
                onChannelFrame(frame);
            }
        } catch (AmqpException e) {
            // whoever handled the frame owned it and has released it
            if (state == State.AWAITING_START_OK) {
                failLogin(e);
            } else if (e.isConnectionLevel() || frame.channel() == 0) {
                closeWithError(e);
            } else {
                AmqpChannel ch = channels.get(frame.channel());
                if (ch != null) {
                    ch.closeWithError(e);
                }
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        endOfBatch();
    }

    /** End of a read batch or a task: queue work out, confirms out, one flush. */
    public void endOfBatch() {
        queueWork.flush();
        for (AmqpChannel ch : channels.all()) {
            ch.endOfBatch();
        }
        out.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        AmqpProtocolException pe = AmqpProtocolException.unwrap(cause);
        if (pe != null) {
            log.closing(pe.getMessage(), Level.WARN);
            // the decoder has stopped reading, so no close-ok can arrive: say why and hang up
            sendCloseAndHangUp(pe.replyCode(), pe.getMessage(), 0, 0);
            return;
        }
        if (cause instanceof IOException) {
            LOG.debug("connection {} failed: {}", name(), cause.toString());
        } else {
            LOG.error("internal error on connection {}", name(), cause);
            log.closing("INTERNAL_ERROR - " + cause, Level.ERROR);
            sendCloseAndHangUp(io.warren.codec.ReplyCodes.INTERNAL_ERROR, "INTERNAL_ERROR - " + cause, 0, 0);
            return;
        }
        socket.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.socketClosed(state != State.AWAITING_HEADER);
        state = State.CLOSED;
        if (hangUp != null) {
            hangUp.cancel(false);
        }
        if (ackTimeoutChecks != null) {
            ackTimeoutChecks.cancel(false);
        }
        cleanUp();
        queueWork.discard();
        out.discard();
        broker.unregister(this);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // a client that does not read must not make the broker buffer without bound what its own requests cause
        // (returns, confirms, replies): read no more from it until it has taken what is written
        flow.holdForOutput(!socket.isWritable());
        if (socket.isWritable()) {
            for (AmqpChannel ch : channels.all()) {
                ch.wakeStarvedConsumers();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.WRITER_IDLE) {
                out.heartbeat();
                out.flush();
            } else if (e.state() == IdleState.READER_IDLE && !flow.readingPaused()) {
                // while the broker does not read, the client's heartbeats wait in the socket (RabbitMQ likewise
                // pauses its heartbeat monitor for blocked connections)
                log.closing("missed heartbeats from client, timeout: " + heartbeat() + "s", Level.WARN);
                socket.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    // ---- the handshake and channel 0 ----

    private void onProtocolHeader() {
        if (state != State.AWAITING_HEADER) {
            return;
        }
        state = State.AWAITING_START_OK;
        out.method(0, handshake.start());
        out.flush();
    }

    private void onChannelZero(Frame frame) {
        if (frame instanceof HeartbeatFrame) {
            return;
        }
        if (!(frame instanceof MethodFrame mf)) {
            ReferenceCountUtil.release(frame);
            throw AmqpException.connection(UNEXPECTED_FRAME, "expected method frame, got non method frame instead");
        }
        Method m = mf.method();
        try {
            if (m instanceof Connection.StartOk s) {
                expect(State.AWAITING_START_OK, m);
                Connection.Tune tune = handshake.startOk(s);
                log.clientProperties(handshake.clientProperties());
                out.method(0, tune);
                state = State.AWAITING_TUNE_OK;
            } else if (m instanceof Connection.TuneOk t) {
                expect(State.AWAITING_TUNE_OK, m);
                handshake.tuneOk(t, ctx, out);
                state = State.AWAITING_OPEN;
            } else if (m instanceof Connection.Open o) {
                expect(State.AWAITING_OPEN, m);
                handshake.open(o);
                state = State.OPEN;
                startAckTimeoutChecks();
                out.method(0, new Connection.OpenOk());
                log.opened(user(), vhost());
            } else if (m instanceof Connection.Close) {
                onClientClose();
            } else if (m instanceof Connection.UpdateSecret) {
                expect(State.OPEN, m);
                out.method(0, new Connection.UpdateSecretOk());
            } else if (m instanceof Connection.Blocked || m instanceof Connection.Unblocked) {
                return; // clients may echo these; nothing to do
            } else {
                throw AmqpException.connection(COMMAND_INVALID, "method '%s' is not allowed on channel 0", m.name());
            }
        } catch (AmqpException e) {
            throw e.causedBy(m.classId(), m.methodId());
        }
    }

    private void expect(State expected, Method m) {
        if (state != expected) {
            throw AmqpException.connection(COMMAND_INVALID, "'%s' not expected in state %s", m.name(),
                    state.name().toLowerCase());
        }
    }

    /**
     * Before the client has logged in it is told nothing (as RabbitMQ), except why its login was refused, and
     * that only if it announced it can take a connection.close at that point.
     */
    private void failLogin(AmqpException e) {
        if (e.replyCode() == ACCESS_REFUSED && handshake.wantsAuthenticationFailureClose()) {
            closeWithError(e);
            return;
        }
        log.closing(e.replyText(), Level.WARN);
        state = State.CLOSING;
        closeSocketAfterFlush();
    }

    private void onClientClose() {
        log.clientClosing();
        state = State.CLOSING;
        cleanUp();
        out.method(0, new Connection.CloseOk());
        out.flush();
        // the client hangs up once it has read close-ok; hanging up first, with frames of the client still unread
        // (another of its threads closing too), could reset the connection under close-ok before it is read
        int hb = heartbeat();
        hangUp = ctx.executor().schedule(this::closeSocketAfterFlush,
                hb > 0 && hb < CLIENT_HANG_UP_TIMEOUT_SECONDS ? hb : CLIENT_HANG_UP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- channels ----

    private void onChannelFrame(Frame frame) {
        if (state != State.OPEN) {
            ReferenceCountUtil.release(frame);
            throw AmqpException.connection(CHANNEL_ERROR, "frame on channel %d before the connection was opened",
                    frame.channel());
        }
        AmqpChannel ch = channels.route(frame, this);
        if (ch == null) {
            return;
        }
        ch.handle(frame);
        if (frame instanceof ContentHeaderFrame || frame instanceof ContentBodyFrame) {
            alarmBlock.publishReceived();
        }
    }

    /** Sends connection.blocked or connection.unblocked, unless the connection is closing. */
    void sendNotice(Method notice) {
        if (state == State.OPEN) {
            out.method(0, notice);
            out.flush();
        }
    }

    // one periodic task per connection, on its own loop, checks its channels' oldest unacked deliveries
    private void startAckTimeoutChecks() {
        long every = broker.config().consumerTimeout().checkIntervalMillis();
        ackTimeoutChecks = ctx.executor().scheduleAtFixedRate(this::checkAckTimeouts, every, every,
                TimeUnit.MILLISECONDS);
    }

    private void checkAckTimeouts() {
        if (state != State.OPEN) {
            return;
        }
        long now = System.nanoTime();
        for (AmqpChannel ch : channels.snapshot()) {
            ch.checkAckTimeout(now);
        }
        endOfBatch();
    }

    /** A channel finished its close handshake. */
    public void channelClosed(AmqpChannel ch) {
        channels.closed(ch);
    }

    // ---- closing ----

    /** Sends connection.close with the error and waits for close-ok; the connection stops processing. */
    public void closeWithError(AmqpException e) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        log.closing(e.replyText(), Level.WARN);
        beginClose(new Connection.Close(e.replyCode(), e.replyText(), e.classId(), e.methodId()));
    }

    /** Releases everything, says close, and hangs up when close-ok comes or the client takes too long. */
    private void beginClose(Connection.Close close) {
        state = State.CLOSING;
        cleanUp();
        out.method(0, close);
        out.flush();
        hangUp = ctx.executor().schedule(() -> {
            socket.close();
        }, CLOSE_OK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Once closing, only the close handshake counts: every connection.close is answered with close-ok (several
     * threads of a client may close at once, or the client's close crosses the broker's), and close-ok ends it.
     */
    private void whileClosing(Frame frame) {
        if (state == State.CLOSING && frame instanceof MethodFrame mf && frame.channel() == 0) {
            if (mf.method() instanceof Connection.Close) {
                out.method(0, new Connection.CloseOk());
                out.flush();
            } else if (mf.method() instanceof Connection.CloseOk) {
                closeSocketAfterFlush();
            }
        }
        ReferenceCountUtil.release(frame);
    }

    private void sendCloseAndHangUp(int code, String text, int classId, int methodId) {
        if (state == State.CLOSED) {
            return;
        }
        boolean handshakeDone = state.ordinal() >= State.AWAITING_TUNE_OK.ordinal();
        state = State.CLOSING;
        cleanUp();
        if (handshakeDone) {
            out.method(0, new Connection.Close(code, text.length() > 250 ? text.substring(0, 250) : text, classId,
                    methodId));
        }
        closeSocketAfterFlush();
    }

    private void closeSocketAfterFlush() {
        out.flush();
        socket.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes the connection from the broker's side (shutdown, management). */
    public void forceClose() {
        forceClose("broker forced connection closure");
    }

    /** Closes the connection from the broker's side, telling the client why (as RabbitMQ passes an operator's). */
    public void forceClose(String reason) {
        executor().execute(() -> {
            log.closing("CONNECTION_FORCED - broker forced connection closure", Level.INFO);
            if (state == State.OPEN) {
                beginClose(new Connection.Close(CONNECTION_FORCED, "CONNECTION_FORCED - " + reason, 0, 0));
            } else {
                socket.close();
            }
        });
    }

    /** Releases everything the connection holds: channels (requeueing unacked messages), exclusive queues. */
    private void cleanUp() {
        queueWork.flush();
        for (AmqpChannel ch : channels.snapshot()) {
            ch.release();
        }
        channels.clear();
        exclusiveQueuesReleased = true;
        List<AmqpQueue> owned = List.copyOf(exclusiveQueues);
        exclusiveQueues.clear();
        Executor definitionChanges = broker().definitionChanges();
        if (definitionChanges == null) {
            deleteExclusive(owned);
        } else {
            // not replicated, but the vhost's lock may be held by a change waiting for the cluster
            definitionChanges.execute(() -> deleteExclusive(owned));
        }
    }

    private void deleteExclusive(List<AmqpQueue> owned) {
        for (AmqpQueue q : owned) {
            if (vhost().removeQueue(q)) {
                q.execute(q::delete);
            }
        }
    }

}
