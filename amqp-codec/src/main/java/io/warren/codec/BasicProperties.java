package io.warren.codec;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * The basic-class content header properties; a null component means the property is absent.
 *
 * <p>{@code timestamp} is in seconds since the epoch, as on the wire.
 */
public record BasicProperties(
        String contentType,
        String contentEncoding,
        Map<String, Object> headers,
        Integer deliveryMode,
        Integer priority,
        String correlationId,
        String replyTo,
        String expiration,
        String messageId,
        Long timestamp,
        String type,
        String userId,
        String appId,
        String clusterId) {

    public static final BasicProperties EMPTY = new BasicProperties(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    // Property flag bits, most significant first, in wire order.
    private static final int CONTENT_TYPE = 1 << 15;
    private static final int CONTENT_ENCODING = 1 << 14;
    private static final int HEADERS = 1 << 13;
    private static final int DELIVERY_MODE = 1 << 12;
    private static final int PRIORITY = 1 << 11;
    private static final int CORRELATION_ID = 1 << 10;
    private static final int REPLY_TO = 1 << 9;
    private static final int EXPIRATION = 1 << 8;
    private static final int MESSAGE_ID = 1 << 7;
    private static final int TIMESTAMP = 1 << 6;
    private static final int TYPE = 1 << 5;
    private static final int USER_ID = 1 << 4;
    private static final int APP_ID = 1 << 3;
    private static final int CLUSTER_ID = 1 << 2;
    private static final int UNKNOWN_PROPERTY = 1 << 1;
    private static final int CONTINUATION = 1;

    /** Returns a copy with the given headers (null removes them). */
    public BasicProperties withHeaders(Map<String, Object> newHeaders) {
        return new BasicProperties(contentType, contentEncoding, newHeaders, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    /** Reads property flags and the present properties, advancing the buffer's reader index. */
    public static BasicProperties decode(ByteBuf in) {
        try {
            int flags = readFlags(in);
            return new BasicProperties(
                    (flags & CONTENT_TYPE) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & CONTENT_ENCODING) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & HEADERS) != 0 ? FieldTables.read(in) : null,
                    (flags & DELIVERY_MODE) != 0 ? Integer.valueOf(in.readUnsignedByte()) : null,
                    (flags & PRIORITY) != 0 ? Integer.valueOf(in.readUnsignedByte()) : null,
                    (flags & CORRELATION_ID) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & REPLY_TO) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & EXPIRATION) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & MESSAGE_ID) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & TIMESTAMP) != 0 ? Long.valueOf(in.readLong()) : null,
                    (flags & TYPE) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & USER_ID) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & APP_ID) != 0 ? AmqpTypes.readShortstr(in) : null,
                    (flags & CLUSTER_ID) != 0 ? AmqpTypes.readShortstr(in) : null);
        } catch (IndexOutOfBoundsException e) {
            throw truncated();
        }
    }

    /** Writes property flags followed by the present properties. */
    public void encode(ByteBuf out) {
        out.writeShort(flags());
        if (contentType != null) AmqpTypes.writeShortstr(out, contentType);
        if (contentEncoding != null) AmqpTypes.writeShortstr(out, contentEncoding);
        if (headers != null) FieldTables.write(out, headers);
        if (deliveryMode != null) out.writeByte(deliveryMode);
        if (priority != null) out.writeByte(priority);
        if (correlationId != null) AmqpTypes.writeShortstr(out, correlationId);
        if (replyTo != null) AmqpTypes.writeShortstr(out, replyTo);
        if (expiration != null) AmqpTypes.writeShortstr(out, expiration);
        if (messageId != null) AmqpTypes.writeShortstr(out, messageId);
        if (timestamp != null) out.writeLong(timestamp);
        if (type != null) AmqpTypes.writeShortstr(out, type);
        if (userId != null) AmqpTypes.writeShortstr(out, userId);
        if (appId != null) AmqpTypes.writeShortstr(out, appId);
        if (clusterId != null) AmqpTypes.writeShortstr(out, clusterId);
    }

    private int flags() {
        int flags = 0;
        if (contentType != null) flags |= CONTENT_TYPE;
        if (contentEncoding != null) flags |= CONTENT_ENCODING;
        if (headers != null) flags |= HEADERS;
        if (deliveryMode != null) flags |= DELIVERY_MODE;
        if (priority != null) flags |= PRIORITY;
        if (correlationId != null) flags |= CORRELATION_ID;
        if (replyTo != null) flags |= REPLY_TO;
        if (expiration != null) flags |= EXPIRATION;
        if (messageId != null) flags |= MESSAGE_ID;
        if (timestamp != null) flags |= TIMESTAMP;
        if (type != null) flags |= TYPE;
        if (userId != null) flags |= USER_ID;
        if (appId != null) flags |= APP_ID;
        if (clusterId != null) flags |= CLUSTER_ID;
        return flags;
    }

    /**
     * Peeks the delivery mode (0 when absent) without allocating or moving the reader index.
     * Earlier properties are skipped by their length prefixes.
     */
    public static int deliveryMode(ByteBuf flagsAndProperties) {
        PropertyCursor c = new PropertyCursor(flagsAndProperties);
        int flags = c.flags();
        if ((flags & DELIVERY_MODE) == 0) {
            return 0;
        }
        if ((flags & CONTENT_TYPE) != 0) c.skipShortstr();
        if ((flags & CONTENT_ENCODING) != 0) c.skipShortstr();
        if ((flags & HEADERS) != 0) c.skipTable();
        return c.octet();
    }

    /**
     * Peeks the priority (0 when absent, as RabbitMQ counts it) without allocating or moving the reader index.
     */
    public static int priority(ByteBuf flagsAndProperties) {
        PropertyCursor c = new PropertyCursor(flagsAndProperties);
        int flags = c.flags();
        if ((flags & PRIORITY) == 0) {
            return 0;
        }
        if ((flags & CONTENT_TYPE) != 0) c.skipShortstr();
        if ((flags & CONTENT_ENCODING) != 0) c.skipShortstr();
        if ((flags & HEADERS) != 0) c.skipTable();
        if ((flags & DELIVERY_MODE) != 0) c.octet();
        return c.octet();
    }

    /** True if the headers property is present; no allocation, reader index untouched. */
    public static boolean hasHeaders(ByteBuf flagsAndProperties) {
        return (new PropertyCursor(flagsAndProperties).flags() & HEADERS) != 0;
    }

    /**
     * Checks that the property list is structurally sound (flags known, lengths within bounds)
     * without decoding it, so a later lazy {@link #decode} only fails on table contents.
     * The reader index is not moved.
     *
     * @throws AmqpProtocolException SYNTAX_ERROR if malformed
     */
    public static void validate(ByteBuf flagsAndProperties) {
        validate(flagsAndProperties, flagsAndProperties.readerIndex(), flagsAndProperties.readableBytes());
    }

    /** As {@link #validate(ByteBuf)} for the {@code length} bytes at absolute {@code index}. */
    public static void validate(ByteBuf buf, int index, int length) {
        PropertyCursor c = new PropertyCursor(buf, index, index + length);
        int flags = c.flags();
        for (int bit = 15; bit >= 2; bit--) {
            int mask = 1 << bit;
            if ((flags & mask) == 0) {
                continue;
            }
            switch (mask) {
                case HEADERS -> c.skipTable();
                case DELIVERY_MODE, PRIORITY -> c.octet();
                case TIMESTAMP -> c.skip(8);
                default -> c.skipShortstr();
            }
        }
    }

    private static int readFlags(ByteBuf in) {
        int flags = in.readUnsignedShort();
        int word = flags;
        while ((word & CONTINUATION) != 0) {
            word = in.readUnsignedShort();
            if ((word & ~CONTINUATION) != 0) {
                throw unknownProperty();
            }
        }
        if ((flags & UNKNOWN_PROPERTY) != 0) {
            throw unknownProperty();
        }
        return flags;
    }

    private static AmqpProtocolException unknownProperty() {
        return AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR, "unknown basic property flag set");
    }

    private static AmqpProtocolException truncated() {
        return AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR, "truncated basic properties");
    }

    /** Absolute-index walker over a property list, so peeks neither allocate buffers nor move indexes. */
    private static final class PropertyCursor {
        private final ByteBuf buf;
        private final int end;
        private int pos;

        PropertyCursor(ByteBuf buf) {
            this(buf, buf.readerIndex(), buf.writerIndex());
        }

        PropertyCursor(ByteBuf buf, int start, int end) {
            this.buf = buf;
            this.pos = start;
            this.end = end;
        }

        int flags() {
            int flags = shortValue();
            int word = flags;
            while ((word & CONTINUATION) != 0) {
                word = shortValue();
                if ((word & ~CONTINUATION) != 0) {
                    throw unknownProperty();
                }
            }
            if ((flags & UNKNOWN_PROPERTY) != 0) {
                throw unknownProperty();
            }
            return flags;
        }

        int octet() {
            require(1);
            return buf.getUnsignedByte(pos++);
        }

        void skipShortstr() {
            skip(octet());
        }

        void skipTable() {
            require(4);
            long len = buf.getUnsignedInt(pos);
            pos += 4;
            skip(len);
        }

        void skip(long n) {
            require(n);
            pos += (int) n;
        }

        private int shortValue() {
            require(2);
            int v = buf.getUnsignedShort(pos);
            pos += 2;
            return v;
        }

        private void require(long n) {
            if (n > end - pos) {
                throw truncated();
            }
        }
    }
}
