package io.warren.management.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.broker.admin.AdminException;
import io.warren.broker.error.AmqpException;
import io.warren.codec.ReplyCodes;
import io.warren.broker.admin.UserView;
import io.warren.management.metrics.PerObjectMetrics;
import io.warren.management.metrics.WarrenMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a whole HTTP request and answers it: /api/... through authentication and the router, /metrics from the
 * metrics registry, anything else from the console's static files. Runs on the API's worker threads (handlers may
 * wait for queue threads). No request can take the broker down: every failure becomes an HTTP error.
 */
@ChannelHandler.Sharable
public final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDispatcher.class);

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Router router;
    private final BasicAuth auth;
    private final WarrenMetrics metrics;
    private final MetricsLogin metricsLogin;

    public HttpDispatcher(Router router, BasicAuth auth, WarrenMetrics metrics) {
        this(router, auth, metrics, false);
    }

    /** With metricsAuth, /metrics answers only a monitoring or administrator user (it names every vhost's queues). */
    public HttpDispatcher(Router router, BasicAuth auth, WarrenMetrics metrics, boolean metricsAuth) {
        this.router = router;
        this.auth = auth;
        this.metrics = metrics;
        this.metricsLogin = new MetricsLogin(auth, metricsAuth);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        ApiResponse response;
        boolean browser = req.headers().contains("X-Requested-With");
        try {
            if (!req.decoderResult().isSuccess()) {
                throw ApiException.badRequest("malformed HTTP request");
            }
            response = dispatch(ctx, req);
        } catch (ApiException e) {
            response = ResponseWriter.error(e, browser);
        } catch (AdminException e) {
            response = switch (e.kind()) {
                case NOT_FOUND -> error(404, "Object Not Found", e.getMessage());
                case FORBIDDEN -> error(403, "not_authorised", e.getMessage());
                case UNAVAILABLE -> error(503, "unavailable", e.getMessage());
                default -> error(400, "bad_request", e.getMessage());
            };
        } catch (AmqpException e) {
            // the broker's own refusal outside an admin call; 541 is what a cluster without a majority answers
            response = e.replyCode() == ReplyCodes.INTERNAL_ERROR ? error(503, "unavailable", e.replyText())
                    : error(400, "bad_request", e.replyText());
        } catch (Exception e) {
            LOG.error("management request {} {} failed", req.method(), req.uri(), e);
            response = error(500, "internal_error", e.toString());
        }
        ResponseWriter.write(ctx, response, keepAlive, req.protocolVersion());
    }

    private ApiResponse dispatch(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String method = req.method().name();
        if (rawPath.equals("/metrics")) {
            metricsLogin.check(ctx, req);
            return ApiResponse.raw(200, metrics.scrape(), PROMETHEUS_TEXT);
        }
        if (rawPath.equals("/metrics/per-object")) {
            metricsLogin.check(ctx, req);
            PerObjectMetrics perObject = metrics.perObject();
            if (!perObject.tryStart()) {
                throw new ApiException(503, "busy", "a per-object scrape is already running; scrape again later");
            }
            return ApiResponse.streamed(PROMETHEUS_TEXT, perObject::writeTo);
        }
        if (!rawPath.equals("/api") && !rawPath.startsWith("/api/")) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw new ApiException(405, "method_not_allowed", "static files are read-only");
            }
            ApiResponse file = StaticFiles.get(rawPath);
            if (file == null) {
                throw ApiException.notFound("Not Found");
            }
            return file;
        }
        List<String> segments = PathSegments.split(rawPath);
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments = segments.subList(0, segments.size() - 1); // a trailing slash names the same resource
        }
        Router.Match match = router.match(method, segments);
        if (match == null) {
            throw ApiException.notFound("Not Found");
        }
        // RequestGate checked this login from the head already; checking it again here gives the handler its user
        UserView user = auth.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION), peer(ctx));
        Map<String, String> headers = new HashMap<>();
        req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        Map<String, List<String>> query = new QueryStringDecoder(uri).parameters();
        byte[] body = ByteBufUtil.getBytes(req.content());
        return match.handler().handle(new ApiRequest(method, match.params(), query, body, user, headers));
    }

    private static InetAddress peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private static ApiResponse error(int status, String error, String reason) {
        return ResponseWriter.error(status, error, reason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("management connection failed: {}", cause.toString());
        ctx.close();
    }
}
