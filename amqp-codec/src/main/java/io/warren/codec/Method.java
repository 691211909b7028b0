package io.warren.codec;

import io.netty.buffer.ByteBuf;

/** An AMQP 0-9-1 method: the typed payload of a method frame. */
public interface Method {
    int classId();

    int methodId();

    /** Spec name such as {@code "basic.publish"}. */
    String name();

    /** True for methods followed by a content header and body frames (publish, return, deliver, get-ok). */
    boolean hasContent();

    /** Writes the argument list only (not class-id / method-id). */
    void encodeArguments(ByteBuf out);
}
