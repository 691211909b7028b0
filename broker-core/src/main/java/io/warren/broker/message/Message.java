package io.warren.broker.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import io.warren.codec.BasicProperties;
import io.warren.routing.RoutingProperties;

/**
 * A published message: routing facts, the content header's property bytes as received and the body.
 * One instance is shared by every queue it was routed to; each holder retains it once.
 */
public final class Message extends AbstractReferenceCounted implements RoutingProperties {
    private final String exchange;
    private final String routingKey;
    private final ByteBuf propertyBytes;
    private final ByteBuf body;
    private BasicProperties properties;

    /** Takes ownership of propertyBytes and body (one reference each). */
    public Message(String exchange, String routingKey, ByteBuf propertyBytes, ByteBuf body) {
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.propertyBytes = propertyBytes;
        this.body = body;
    }

    /** A message whose properties are encoded from the given ones (used when the broker rewrites headers). */
    public static Message withProperties(String exchange, String routingKey, BasicProperties properties, ByteBuf body) {
        ByteBuf encoded = ByteBufAllocator.DEFAULT.buffer(64);
        properties.encode(encoded);
        Message m = new Message(exchange, routingKey, encoded, body);
        m.properties = properties;
        return m;
    }

    public String exchange() {
        return exchange;
    }

    public String routingKey() {
        return routingKey;
    }

    /** Property flags and list exactly as they go on the wire; do not modify or release. */
    public ByteBuf propertyBytes() {
        return propertyBytes;
    }

    /** The body; do not modify or release. */
    public ByteBuf body() {
        return body;
    }

    public int bodySize() {
        return body.readableBytes();
    }

    /** Decoded properties; decoded once on first use, since most routes never need them. */
    public BasicProperties properties() {
        BasicProperties p = properties;
        if (p == null) {
            p = BasicProperties.decode(propertyBytes.duplicate());
            properties = p;
        }
        return p;
    }

    // for routers that hash on a property; decodes the properties on first use, like properties()
    @Override
    public String messageId() {
        return properties().messageId();
    }

    @Override
    public String correlationId() {
        return properties().correlationId();
    }

    @Override
    public Long timestamp() {
        return properties().timestamp();
    }

    public boolean isPersistent() {
        return BasicProperties.deliveryMode(propertyBytes.duplicate()) == 2;
    }

    /** The priority property, 0 when absent; peeked from the property bytes, nothing decoded. */
    public int priority() {
        return BasicProperties.priority(propertyBytes);
    }

    /** Property flag bits, as on the wire (AMQP 0-9-1 basic class). */
    public static final int HEADERS_FLAG = 0x2000;
    public static final int REPLY_TO_FLAG = 0x0200;
    public static final int EXPIRATION_FLAG = 0x0100;
    public static final int USER_ID_FLAG = 0x0010;

    /** True when the property flags say a headers table is present, without decoding anything. */
    public boolean hasHeaders() {
        return hasProperty(HEADERS_FLAG);
    }

    /** True when the property flags include the given bit; reads two bytes, decodes nothing. */
    public boolean hasProperty(int flag) {
        return propertyBytes.readableBytes() >= 2
                && (propertyBytes.getUnsignedShort(propertyBytes.readerIndex()) & flag) != 0;
    }

    @Override
    public Message retain() {
        super.retain();
        return this;
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    @Override
    protected void deallocate() {
        propertyBytes.release();
        body.release();
    }
}
