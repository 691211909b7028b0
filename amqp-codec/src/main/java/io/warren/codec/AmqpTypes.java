package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Readers and writers for the AMQP primitive types used by generated method codecs.
 *
 * <p>Readers check declared lengths against the readable bytes before allocating, so a hostile
 * length prefix fails with SYNTAX_ERROR instead of a huge allocation.
 */
public final class AmqpTypes {
    /** Largest encoded length of a short string. */
    public static final int SHORTSTR_MAX = 255;

    private AmqpTypes() {
    }

    public static String readShortstr(ByteBuf in) {
        int len = in.readUnsignedByte();
        requireReadable(in, len, "short string");
        return len == 0 ? "" : in.readCharSequence(len, StandardCharsets.UTF_8).toString();
    }

    /** Writes a short string; null is written as empty. Throws IllegalArgumentException over 255 bytes. */
    public static void writeShortstr(ByteBuf out, String s) {
        if (s == null || s.isEmpty()) {
            out.writeByte(0);
            return;
        }
        int len = ByteBufUtil.utf8Bytes(s);
        if (len > SHORTSTR_MAX) {
            throw new IllegalArgumentException(
                    "short string is " + len + " UTF-8 bytes, maximum is " + SHORTSTR_MAX);
        }
        out.writeByte(len);
        out.writeCharSequence(s, StandardCharsets.UTF_8);
    }

    /** Skips a short string without decoding it. */
    public static void skipShortstr(ByteBuf in) {
        int len = in.readUnsignedByte();
        requireReadable(in, len, "short string");
        in.skipBytes(len);
    }

    public static LongString readLongstr(ByteBuf in) {
        long len = in.readUnsignedInt();
        requireReadable(in, len, "long string");
        if (len == 0) {
            return LongString.EMPTY;
        }
        byte[] bytes = new byte[(int) len];
        in.readBytes(bytes);
        return LongString.wrap(bytes);
    }

    /** Writes a long string; null is written as empty. */
    public static void writeLongstr(ByteBuf out, LongString s) {
        if (s == null) {
            out.writeInt(0);
            return;
        }
        byte[] bytes = s.bytes();
        out.writeInt(bytes.length);
        out.writeBytes(bytes);
    }

    /** Writes text as a UTF-8 long string without an intermediate byte array. */
    public static void writeLongstr(ByteBuf out, CharSequence s) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int written = out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.setInt(lengthIndex, written);
    }

    /** Skips any 4-byte length-prefixed value: a long string or a field table. */
    public static void skipLongstr(ByteBuf in) {
        long len = in.readUnsignedInt();
        requireReadable(in, len, "long string");
        in.skipBytes((int) len);
    }

    public static Map<String, Object> readTable(ByteBuf in) {
        return FieldTables.read(in);
    }

    public static void writeTable(ByteBuf out, Map<String, ?> table) {
        FieldTables.write(out, table);
    }

    /** Throws SYNTAX_ERROR unless {@code length} more bytes are readable. */
    static void requireReadable(ByteBuf in, long length, String what) {
        if (length > in.readableBytes()) {
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    what + " length " + length + " exceeds the " + in.readableBytes() + " remaining bytes");
        }
    }
}
