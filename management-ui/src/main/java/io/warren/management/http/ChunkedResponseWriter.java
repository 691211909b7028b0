package io.warren.management.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link StreamedBody} as a chunked HTTP response from the API's worker thread. At most one chunk and
 * the channel's write buffer (its high water mark) are held at a time: when the client reads slower than the body
 * is produced, the writer waits for the socket to drain, and gives up on a client that reads nothing for a minute.
 * So a response of any size costs a bounded amount of memory.
 */
final class ChunkedResponseWriter extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkedResponseWriter.class);
    private static final int CHUNK = 32 * 1024;
    private static final long STALLED_CLIENT_SECONDS = 60;

    private final ChannelHandlerContext ctx;
    private ByteBuf chunk;

    private ChunkedResponseWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, HttpVersion version) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
        if (version.equals(HttpVersion.HTTP_1_0)) {
            keepAlive = false; // HTTP/1.0 knows no chunks: the body is raw and ends when the connection closes
        } else {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        r.headers().forEach((k, v) -> head.headers().set(k, v));
        if (keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.write(head);
        ChunkedResponseWriter out = new ChunkedResponseWriter(ctx);
        try {
            r.stream().writeTo(out);
            out.send();
        } catch (IOException | RuntimeException e) {
            // the status is sent already: all that is left is to cut the response short, which the client sees
            LOG.debug("streamed response failed: {}", e.toString());
            out.release();
            ctx.close();
            return;
        }
        ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void write(int b) throws IOException {
        buffer().writeByte(b);
        if (!chunk.isWritable()) {
            send();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            ByteBuf buf = buffer();
            int n = Math.min(len, buf.writableBytes());
            buf.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (!buf.isWritable()) {
                send();
            }
        }
    }

    private ByteBuf buffer() throws IOException {
        if (!ctx.channel().isActive()) {
            throw new IOException("the client went away");
        }
        if (chunk == null) {
            chunk = ctx.alloc().buffer(CHUNK, CHUNK);
        }
        return chunk;
    }

    /** Sends the chunk gathered so far; waits while the socket's write buffer is full. */
    private void send() throws IOException {
        if (chunk == null || !chunk.isReadable()) {
            return;
        }
        // a promise of the channel's own loop: one of this handler's context would belong to the worker thread,
        // which could then neither wait on it nor be told when it completes
        ChannelFuture f = ctx.writeAndFlush(new DefaultHttpContent(chunk), ctx.channel().newPromise());
        chunk = null;
        if (!ctx.channel().isWritable()) {
            if (!f.awaitUninterruptibly(STALLED_CLIENT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("the client read nothing for " + STALLED_CLIENT_SECONDS + " s");
            }
            if (!f.isSuccess()) {
                throw new IOException("writing failed", f.cause());
            }
        }
    }

    private void release() {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }
}
