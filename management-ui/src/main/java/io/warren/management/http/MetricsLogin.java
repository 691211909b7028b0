package io.warren.management.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.warren.management.api.Authorizer;
import java.net.InetSocketAddress;

/** The metrics-auth check both metrics ports make: with it on, only a monitoring or administrator user scrapes. */
public final class MetricsLogin {
    private final BasicAuth auth;
    private final boolean required;

    public MetricsLogin(BasicAuth auth, boolean required) {
        this.auth = auth;
        this.required = required;
    }

    /** Throws the 401 of the login or of a user who may not monitor; does nothing when metrics-auth is off. */
    public void check(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (required) {
            InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
            Authorizer.requireMonitor(auth.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION),
                    peer == null ? null : peer.getAddress()));
        }
    }
}
