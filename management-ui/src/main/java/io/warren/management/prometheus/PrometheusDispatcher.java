package io.warren.management.prometheus;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.warren.broker.admin.AdminException;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.BasicAuth;
import io.warren.management.http.MetricsLogin;
import io.warren.management.http.ResponseWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the Prometheus port, as rabbitmq_prometheus' listener: GET /metrics (aggregated) and GET
 * /metrics/per-object (one series per queue, streamed); anything else is 404. With metrics-auth, both need the
 * basic auth of a monitoring or administrator user, as on the management port. Runs on the HTTP worker threads.
 */
@ChannelHandler.Sharable
public final class PrometheusDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusDispatcher.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final RabbitmqMetrics metrics;
    private final MetricsLogin metricsLogin;

    public PrometheusDispatcher(RabbitmqMetrics metrics, BasicAuth auth, boolean metricsAuth) {
        this.metrics = metrics;
        this.metricsLogin = new MetricsLogin(auth, metricsAuth);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        ApiResponse response;
        try {
            response = dispatch(ctx, req);
        } catch (ApiException e) {
            response = ResponseWriter.error(e, false);
        } catch (AdminException e) {
            response = e.kind() == AdminException.Kind.FORBIDDEN
                    ? ResponseWriter.error(403, "not_authorised", e.getMessage())
                    : ResponseWriter.error(503, "unavailable", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Prometheus scrape {} failed", req.uri(), e);
            response = ResponseWriter.error(500, "internal_error", e.toString());
        }
        ResponseWriter.write(ctx, response, keepAlive, req.protocolVersion());
    }

    private ApiResponse dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            throw ApiException.badRequest("malformed HTTP request");
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        boolean metricsPath = path.equals("/metrics") || path.equals("/metrics/per-object");
        if (!metricsPath) {
            throw ApiException.notFound("Not Found: this port serves /metrics and /metrics/per-object");
        }
        String method = req.method().name();
        if (!method.equals("GET")) {
            throw new ApiException(405, "method_not_allowed", "metrics are read-only: use GET");
        }
        metricsLogin.check(ctx, req);
        if (path.equals("/metrics")) {
            return ApiResponse.raw(200, metrics.aggregated(), PROMETHEUS_TEXT);
        }
        if (!metrics.tryStartPerObject()) {
            throw new ApiException(503, "busy", "a per-object scrape is already running; scrape again later");
        }
        return ApiResponse.streamed(PROMETHEUS_TEXT, metrics::writePerObject);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Prometheus connection failed: {}", cause.toString());
        ctx.close();
    }
}
