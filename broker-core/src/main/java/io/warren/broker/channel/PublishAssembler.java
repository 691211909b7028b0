package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;
import static io.warren.codec.ReplyCodes.UNEXPECTED_FRAME;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.error.AmqpException;
import io.warren.codec.frame.ContentBodyFrame;
import io.warren.codec.frame.ContentHeaderFrame;
import io.warren.codec.methods.Basic;

/** Puts a basic.publish back together from its method, content header and body frames, without copying. */
final class PublishAssembler {
    private final long maxMessageSize;
    private Basic.Publish method;
    private ByteBuf properties;
    private long expected;
    private ByteBuf body;
    private CompositeByteBuf parts;

    PublishAssembler(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    boolean expectsContent() {
        return method != null;
    }

    void start(Basic.Publish publish) {
        method = publish;
    }

    /** Takes the header frame over; returns true when the message is complete (empty body). */
    boolean header(ContentHeaderFrame h) {
        if (properties != null) {
            h.release();
            throw AmqpException.connection(UNEXPECTED_FRAME, "expected content body, got content header");
        }
        properties = h.propertiesBytes();
        expected = h.bodySize();
        if (expected > maxMessageSize) {
            throw AmqpException.channel(PRECONDITION_FAILED, "message size %d is larger than configured max size %d",
                    expected, maxMessageSize);
        }
        if (expected == 0) {
            body = Unpooled.EMPTY_BUFFER;
            return true;
        }
        return false;
    }

    /** Takes the body frame over; returns true when the message is complete. */
    boolean body(ContentBodyFrame f) {
        ByteBuf chunk = f.content();
        if (properties == null) {
            chunk.release();
            throw AmqpException.connection(UNEXPECTED_FRAME, "expected content header for class 60, got content body");
        }
        long have = (parts != null ? parts.readableBytes() : body != null ? body.readableBytes() : 0)
                + chunk.readableBytes();
        if (have > expected) {
            chunk.release();
            throw AmqpException.connection(UNEXPECTED_FRAME, "content body of %d bytes exceeds the %d announced",
                    have, expected);
        }
        if (body == null && parts == null) {
            body = chunk;
        } else {
            if (parts == null) {
                parts = ByteBufAllocator.DEFAULT.compositeBuffer(16);
                parts.addComponent(true, body);
                body = null;
            }
            parts.addComponent(true, chunk);
        }
        return have == expected;
    }

    Basic.Publish method() {
        return method;
    }

    ByteBuf takeProperties() {
        ByteBuf p = properties;
        properties = null;
        return p;
    }

    ByteBuf takeBody() {
        ByteBuf b = parts != null ? parts : body;
        parts = null;
        body = null;
        method = null;
        return b;
    }

    void discard() {
        if (properties != null) {
            properties.release();
        }
        if (parts != null) {
            parts.release();
        } else if (body != null) {
            body.release();
        }
        properties = null;
        parts = null;
        body = null;
        method = null;
    }
}
