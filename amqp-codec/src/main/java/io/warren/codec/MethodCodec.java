package io.warren.codec;

import io.netty.buffer.ByteBuf;

/** Encodes and decodes method frame payloads: class-id, method-id, arguments. */
public final class MethodCodec {
    private MethodCodec() {
    }

    /**
     * Decodes a whole method frame payload.
     *
     * @throws AmqpProtocolException COMMAND_INVALID for an unknown class, NOT_IMPLEMENTED for an
     *     unknown method, SYNTAX_ERROR for truncated, malformed or over-long arguments
     */
    public static Method decode(ByteBuf payload) {
        if (payload.readableBytes() < 4) {
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    "method frame payload of " + payload.readableBytes() + " bytes is too short");
        }
        int classId = payload.readUnsignedShort();
        int methodId = payload.readUnsignedShort();
        Method method;
        try {
            method = MethodDispatch.decode(classId, methodId, payload);
        } catch (IndexOutOfBoundsException e) {
            // Fixed-width reads rely on ByteBuf bounds checks rather than pre-validating every field.
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    "truncated arguments for " + MethodDispatch.name(classId, methodId));
        } catch (AmqpProtocolException e) {
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    "malformed arguments for " + MethodDispatch.name(classId, methodId) + ": " + detail(e));
        }
        if (method == null) {
            throw MethodDispatch.isKnownClass(classId)
                    ? AmqpProtocolException.of(ReplyCodes.NOT_IMPLEMENTED, "unknown method " + classId + "/" + methodId)
                    : AmqpProtocolException.of(ReplyCodes.COMMAND_INVALID, "unknown class " + classId);
        }
        if (payload.isReadable()) {
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    payload.readableBytes() + " unexpected bytes after " + method.name() + " arguments");
        }
        return method;
    }

    /** Writes class-id, method-id and the arguments. */
    public static void encode(Method m, ByteBuf out) {
        out.writeShort(m.classId());
        out.writeShort(m.methodId());
        m.encodeArguments(out);
    }

    /** The spec name of a method, e.g. "basic.publish", or null if unknown. */
    public static String methodName(int classId, int methodId) {
        return MethodDispatch.name(classId, methodId);
    }

    private static String detail(AmqpProtocolException e) {
        String text = e.getMessage();
        int sep = text.indexOf(" - ");
        return sep >= 0 ? text.substring(sep + 3) : text;
    }
}
