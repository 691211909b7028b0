package io.warren.management.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decides from a request's head, before one byte of its body is buffered, whether it may go on: the route must
 * exist, an API route needs a valid login, the body must fit what the route takes, and the body budget shared by
 * all connections must have room for it. A refused request is answered at once; if a body was announced the
 * connection stops reading and is closed, so an anonymous client can make the server buffer nothing. Sits between
 * the HTTP codec and the aggregator, one per connection, on the connection's event loop.
 */
public final class RequestGate extends ChannelDuplexHandler {
    private final Router router;
    private final BasicAuth auth;
    private final HttpLimits limits;
    private final BodyBudget budget;
    /** Bytes reserved for each request passed on and not answered yet, in order (HTTP answers in order). */
    private final ArrayDeque<Long> reservations = new ArrayDeque<>();
    /** Dropping the content of a refused request until its end. */
    private boolean discarding;
    /** Body bytes the current request may still send (a chunked body announces no length up front). */
    private long bodyLeft;

    RequestGate(Router router, BasicAuth auth, HttpLimits limits, BodyBudget budget) {
        this.router = router;
        this.auth = auth;
        this.limits = limits;
        this.budget = budget;
    }

    /** Makes one gate per connection; all of them share the budget. */
    public static Supplier<RequestGate> factory(Router router, BasicAuth auth, HttpLimits limits) {
        BodyBudget budget = new BodyBudget(limits.bodyBudget());
        return () -> new RequestGate(router, auth, limits, budget);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head) {
            discarding = false;
            if (!admit(ctx, head)) {
                discarding = true;
                ReferenceCountUtil.release(msg);
                return;
            }
        } else if (msg instanceof HttpContent content) {
            if (discarding) {
                discarding = !(msg instanceof LastHttpContent);
                content.release();
                return;
            }
            bodyLeft -= content.content().readableBytes();
            if (bodyLeft < 0) {
                // a chunked body past the route's limit: its head went on already, so there is no answer to give
                // in order; the connection goes
                content.release();
                discarding = true;
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean admit(ChannelHandlerContext ctx, HttpRequest head) {
        if (!head.decoderResult().isSuccess()) {
            pass(0, 0); // the dispatcher answers 400
            return true;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(head);
        long declared = HttpUtil.getContentLength(head, 0L);
        boolean bodyFollows = chunked || declared > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(head) && !bodyFollows;
        boolean browser = head.headers().contains("X-Requested-With");
        try {
            long limit = bodyLimit(ctx, head);
            if (declared > limit) {
                throw new ApiException(413, "payload_too_large", "request body of " + declared
                        + " bytes is larger than the " + limit + " bytes this resource accepts");
            }
            long reserve = chunked ? limit : declared;
            if (reserve > 0 && !budget.tryReserve(reserve)) {
                throw new ApiException(503, "service_unavailable", "too many large request bodies are being "
                        + "received at once; retry later");
            }
            pass(reserve, chunked ? limit : declared);
            return true;
        } catch (ApiException e) {
            refuse(ctx, e, browser, keepAlive);
            return false;
        }
    }

    /** The largest body the request's route takes, after its login is checked; throws the answer to a refusal. */
    private long bodyLimit(ChannelHandlerContext ctx, HttpRequest head) {
        String uri = head.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        if (!rawPath.equals("/api") && !rawPath.startsWith("/api/")) {
            return 0; // console files and /metrics: anonymous, and read-only
        }
        List<String> segments = PathSegments.split(rawPath);
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments = segments.subList(0, segments.size() - 1);
        }
        Router.Match match = router.match(head.method().name(), segments);
        if (match == null) {
            throw ApiException.notFound("Not Found");
        }
        auth.authenticate(head.headers().get(HttpHeaderNames.AUTHORIZATION), peer(ctx));
        return match.largeBody() ? limits.maxBody() : Math.min(HttpLimits.SMALL_BODY, limits.maxBody());
    }

    private void pass(long reserved, long bodyLimit) {
        reservations.add(reserved);
        bodyLeft = bodyLimit;
    }

    private void refuse(ChannelHandlerContext ctx, ApiException e, boolean browser, boolean keepAlive) {
        if (!reservations.isEmpty()) {
            // an earlier request on this connection is still being answered, and answers go in order: no room for
            // this one's answer in between, so the connection goes
            ctx.close();
            return;
        }
        if (!keepAlive) {
            ctx.channel().config().setAutoRead(false); // not one more byte of the body
        }
        ResponseWriter.write(ctx, ResponseWriter.error(e, browser), keepAlive);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !interim(msg)) {
            Long reserved = reservations.poll();
            if (reserved != null && reserved > 0) {
                budget.release(reserved);
            }
        }
        ctx.write(msg, promise);
    }

    private static boolean interim(Object msg) {
        return msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseAll();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        Long reserved;
        while ((reserved = reservations.poll()) != null) {
            budget.release(reserved);
        }
    }

    private static InetAddress peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }
}
