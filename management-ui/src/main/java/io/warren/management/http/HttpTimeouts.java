package io.warren.management.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP connection that has no request under way for the idle timeout, or whose request has not fully
 * arrived within the request timeout of its first byte (a client trickling its head or body byte by byte, which
 * no idle timer catches, gets 408). While a request is being answered no timer runs. One per connection, on its
 * event loop: {@link #byteWatch()} goes before the HTTP codec (a trickled head never gets out of the codec), this
 * handler after it.
 */
public final class HttpTimeouts extends ChannelDuplexHandler {
    private enum Timer { NONE, IDLE, REQUEST }

    private final long idleMillis;
    private final long requestMillis;
    private ChannelHandlerContext ctx;
    /** Bytes of a request have arrived and its end has not. */
    private boolean receiving;
    /** Requests that have fully arrived, and responses fully written; a request is being answered while they differ. */
    private long completed;
    private long answered;
    private Timer running = Timer.NONE;
    private ScheduledFuture<?> timer;

    public HttpTimeouts(long idleMillis, long requestMillis) {
        this.idleMillis = idleMillis;
        this.requestMillis = requestMillis;
    }

    /** The handler that goes before the codec: the first byte of a request starts its deadline. */
    public ChannelHandler byteWatch() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (!receiving) {
                    receiving = true;
                    update();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        update();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LastHttpContent) {
            receiving = false;
            completed++;
            update();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse r
                && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            ChannelPromise p = promise.unvoid();
            p.addListener(f -> {
                answered++;
                update();
            });
            ctx.write(msg, p);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void update() {
        Timer want = receiving ? Timer.REQUEST : completed > answered ? Timer.NONE : Timer.IDLE;
        if (want == running || !ctx.channel().isOpen()) {
            return; // a request's deadline runs from its first byte, not from its latest
        }
        cancel();
        running = want;
        long millis = want == Timer.REQUEST ? requestMillis : want == Timer.IDLE ? idleMillis : 0;
        if (millis > 0) {
            timer = ctx.executor().schedule(want == Timer.REQUEST ? this::requestTooSlow : this::idleTooLong, millis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        running = Timer.NONE;
    }

    private void idleTooLong() {
        ctx.close();
    }

    private void requestTooSlow() {
        if (completed > answered) {
            ctx.close(); // an earlier request is still being answered: no 408 can go out of order
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ResponseWriter.write(ctx, ResponseWriter.error(408, "request_timeout", "the request did not arrive within "
                + requestMillis + " ms"), false);
    }
}
