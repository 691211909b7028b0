package io.warren.management.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.management.json.Json;
import java.util.Map;

/** Turns an ApiResponse or an error into an HTTP response and writes it. */
public final class ResponseWriter {
    private ResponseWriter() {
    }

    public static ApiResponse error(int status, String error, String reason) {
        return new ApiResponse(status, Map.of("error", error, "reason", reason == null ? "" : reason), null, null,
                Map.of());
    }

    /** The answer to an ApiException; a browser (X-Requested-With) gets no challenge, so no login dialog of its own. */
    public static ApiResponse error(ApiException e, boolean browser) {
        ApiResponse response = error(e.status(), e.error(), e.reason());
        if (e.status() == 401 && !browser) {
            // tools answer the challenge; the console logs in itself, without the browser's own dialog
            response = response.withHeader("WWW-Authenticate", "Basic realm=\"Warren Management\"");
        }
        return response;
    }

    static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
        write(ctx, r, keepAlive, HttpVersion.HTTP_1_1);
    }

    public static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, HttpVersion version) {
        if (r.stream() != null) {
            ChunkedResponseWriter.write(ctx, r, keepAlive, version);
            return;
        }
        byte[] bytes;
        String type;
        if (r.raw() != null) {
            bytes = r.raw();
            type = r.contentType();
        } else if (r.json() != null) {
            bytes = Json.write(r.json());
            type = "application/json";
        } else {
            bytes = new byte[0];
            type = null;
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(bytes));
        if (type != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().forEach((k, v) -> resp.headers().set(k, v));
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
