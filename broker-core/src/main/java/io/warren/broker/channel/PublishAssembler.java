package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;
import static io.warren.codec.ReplyCodes.UNEXPECTED_FRAME;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.error.AmqpException;
import io.warren.codec.AmqpProtocolException;
import io.warren.codec.BasicProperties;
import io.warren.codec.frame.ContentBodyFrame;
import io.warren.codec.frame.ContentHeaderFrame;
import io.warren.codec.methods.Basic;

/**
 * Puts a basic.publish back together from its method, content header and body frames, without copying, and
 * refuses a frame that comes out of that order with 505 UNEXPECTED_FRAME, in RabbitMQ's words.
 */
final class PublishAssembler {
    private static final int BASIC_CLASS = 60;
    private static final String NOT_A_METHOD = "expected method frame, got non method frame instead";
    private static final String NOT_A_HEADER =
            "expected content header for class " + BASIC_CLASS + ", got non content header frame instead";
    private static final String NOT_A_BODY = "expected content body, got non content body frame instead";

    private final long maxMessageSize;
    private Basic.Publish method;
    private ByteBuf properties;
    private long expected;
    private ByteBuf body;
    private CompositeByteBuf parts;

    PublishAssembler(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Refuses a method frame while a publish waits for its content. */
    void checkMethodAllowed() {
        if (method != null) {
            throw AmqpException.connection(UNEXPECTED_FRAME, properties == null ? NOT_A_HEADER : NOT_A_BODY);
        }
    }

    void start(Basic.Publish publish) {
        method = publish;
    }

    /** Takes the header frame over; returns true when the message is complete (empty body). */
    boolean header(ContentHeaderFrame h) {
        String unexpected = method == null ? NOT_A_METHOD : properties != null ? NOT_A_BODY : null;
        if (unexpected == null && h.classId() != BASIC_CLASS) {
            unexpected = String.format("expected content header for class %d, got one for class %d instead",
                    BASIC_CLASS, h.classId());
        }
        if (unexpected != null) {
            h.release();
            throw AmqpException.connection(UNEXPECTED_FRAME, unexpected);
        }
        try {
            // only now, once the header is known to be in its place (the decoder leaves it to us)
            BasicProperties.validate(h.propertiesBytes());
        } catch (AmqpProtocolException e) {
            h.release();
            throw AmqpException.connection(e);
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
            throw AmqpException.connection(UNEXPECTED_FRAME, method == null ? NOT_A_METHOD : NOT_A_HEADER);
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
