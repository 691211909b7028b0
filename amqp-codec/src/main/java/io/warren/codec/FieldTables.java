package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes AMQP field tables using the RabbitMQ type tags.
 *
 * <p>Decoded values: t Boolean, b Byte, B Short (unsigned byte), s Short, u Integer (unsigned short),
 * I Integer, i Long (unsigned int), L/l Long, f Float, d Double, D BigDecimal, S LongString,
 * x byte[], A List, T Date, F Map, V null.
 */
public final class FieldTables {
    /** Nesting bound; deeper input is rejected so hostile frames cannot overflow the stack. */
    public static final int MAX_DEPTH = 64;

    private FieldTables() {
    }

    /** Reads a length-prefixed table; the result is mutable, ordered and never null. */
    public static Map<String, Object> read(ByteBuf in) {
        return readTable(in, 0);
    }

    /** Writes a length-prefixed table; null is written as an empty table. */
    public static void write(ByteBuf out, Map<String, ?> table) {
        writeTable(out, table, 0);
    }

    /** Number of bytes {@link #write} would produce, including the 4-byte length. */
    public static int encodedSize(Map<String, ?> table) {
        return tableSize(table, 0);
    }

    /**
     * RabbitMQ's name for the field type of a value as decoded here ("longstr", "signedint", "array"...), for
     * error texts that must read like RabbitMQ's. Decoding widens the unsigned types, so a value decoded from an
     * unsigned byte, short or int is named after the signed type it became.
     */
    public static String typeName(Object v) {
        if (v == null) {
            return "void";
        } else if (v instanceof LongString || v instanceof String) {
            return "longstr";
        } else if (v instanceof Integer) {
            return "signedint";
        } else if (v instanceof Long) {
            return "long";
        } else if (v instanceof Boolean) {
            return "bool";
        } else if (v instanceof Byte) {
            return "byte";
        } else if (v instanceof Short) {
            return "short";
        } else if (v instanceof Float) {
            return "float";
        } else if (v instanceof Double) {
            return "double";
        } else if (v instanceof BigDecimal) {
            return "decimal";
        } else if (v instanceof byte[]) {
            return "binary";
        } else if (v instanceof Date) {
            return "timestamp";
        } else if (v instanceof Map) {
            return "table";
        } else if (v instanceof List || v instanceof Object[]) {
            return "array";
        }
        throw new IllegalArgumentException("not a field table value: " + v.getClass().getName());
    }

    private static Map<String, Object> readTable(ByteBuf in, int depth) {
        ByteBuf body = readBounded(in, "field table", depth);
        if (!body.isReadable()) {
            return new LinkedHashMap<>();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        while (body.isReadable()) {
            String key = AmqpTypes.readShortstr(body);
            result.put(key, readValue(body, depth));
        }
        return result;
    }

    private static List<Object> readArray(ByteBuf in, int depth) {
        ByteBuf body = readBounded(in, "field array", depth);
        List<Object> result = new ArrayList<>();
        while (body.isReadable()) {
            result.add(readValue(body, depth));
        }
        return result;
    }

    // A slice confines a malformed entry to the table's declared length.
    private static ByteBuf readBounded(ByteBuf in, String what, int depth) {
        if (depth > MAX_DEPTH) {
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    what + " nested deeper than " + MAX_DEPTH);
        }
        requireReadable(in, 4, what + " length");
        long len = in.readUnsignedInt();
        AmqpTypes.requireReadable(in, len, what);
        return in.readSlice((int) len);
    }

    private static Object readValue(ByteBuf in, int depth) {
        requireReadable(in, 1, "field type tag");
        byte tag = in.readByte();
        return switch (tag) {
            case 't' -> fixed(in, 1).readBoolean();
            case 'b' -> fixed(in, 1).readByte();
            case 'B' -> fixed(in, 1).readUnsignedByte();
            case 's' -> fixed(in, 2).readShort();
            case 'u' -> fixed(in, 2).readUnsignedShort();
            case 'I' -> fixed(in, 4).readInt();
            case 'i' -> fixed(in, 4).readUnsignedInt();
            case 'L', 'l' -> fixed(in, 8).readLong();
            case 'f' -> fixed(in, 4).readFloat();
            case 'd' -> fixed(in, 8).readDouble();
            case 'D' -> readDecimal(fixed(in, 5));
            case 'S' -> AmqpTypes.readLongstr(fixed(in, 4));
            case 'x' -> readByteArray(fixed(in, 4));
            case 'A' -> readArray(in, depth + 1);
            case 'T' -> new Date(fixed(in, 8).readLong() * 1000L);
            case 'F' -> readTable(in, depth + 1);
            case 'V' -> null;
            default -> throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR,
                    "unknown field table type tag 0x" + Integer.toHexString(tag & 0xFF));
        };
    }

    private static BigDecimal readDecimal(ByteBuf in) {
        int scale = in.readUnsignedByte();
        return new BigDecimal(BigInteger.valueOf(in.readInt()), scale);
    }

    private static byte[] readByteArray(ByteBuf in) {
        long len = in.readUnsignedInt();
        AmqpTypes.requireReadable(in, len, "byte array");
        byte[] bytes = new byte[(int) len];
        in.readBytes(bytes);
        return bytes;
    }

    private static ByteBuf fixed(ByteBuf in, int size) {
        requireReadable(in, size, "field value");
        return in;
    }

    private static void requireReadable(ByteBuf in, int size, String what) {
        if (in.readableBytes() < size) {
            throw AmqpProtocolException.of(ReplyCodes.SYNTAX_ERROR, "truncated " + what);
        }
    }

    private static void writeTable(ByteBuf out, Map<String, ?> table, int depth) {
        checkDepth(depth);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        if (table != null) {
            for (Map.Entry<String, ?> e : table.entrySet()) {
                AmqpTypes.writeShortstr(out, e.getKey());
                writeValue(out, e.getValue(), depth);
            }
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    private static void writeArray(ByteBuf out, Iterable<?> values, int depth) {
        checkDepth(depth);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        for (Object v : values) {
            writeValue(out, v, depth);
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    private static void writeValue(ByteBuf out, Object v, int depth) {
        if (v == null) {
            out.writeByte('V');
        } else if (v instanceof String s) {
            out.writeByte('S');
            AmqpTypes.writeLongstr(out, s);
        } else if (v instanceof LongString s) {
            out.writeByte('S');
            AmqpTypes.writeLongstr(out, s);
        } else if (v instanceof Integer i) {
            out.writeByte('I').writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('l').writeLong(l);
        } else if (v instanceof Boolean b) {
            out.writeByte('t').writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte('F');
            writeTable(out, castTable(m), depth + 1);
        } else if (v instanceof List<?> list) {
            out.writeByte('A');
            writeArray(out, list, depth + 1);
        } else if (v instanceof Object[] array) {
            out.writeByte('A');
            writeArray(out, java.util.Arrays.asList(array), depth + 1);
        } else if (v instanceof Byte b) {
            out.writeByte('b').writeByte(b);
        } else if (v instanceof Short s) {
            out.writeByte('s').writeShort(s);
        } else if (v instanceof Float f) {
            out.writeByte('f').writeFloat(f);
        } else if (v instanceof Double d) {
            out.writeByte('d').writeDouble(d);
        } else if (v instanceof BigDecimal d) {
            out.writeByte('D');
            writeDecimal(out, d);
        } else if (v instanceof byte[] bytes) {
            out.writeByte('x').writeInt(bytes.length).writeBytes(bytes);
        } else if (v instanceof Date date) {
            out.writeByte('T').writeLong(date.getTime() / 1000L);
        } else {
            throw new IllegalArgumentException("unsupported field table value type " + v.getClass().getName());
        }
    }

    private static void writeDecimal(ByteBuf out, BigDecimal d) {
        int scale = d.scale();
        if (scale < 0 || scale > 255) {
            throw new IllegalArgumentException("decimal scale must be 0..255: " + d);
        }
        BigInteger unscaled = d.unscaledValue();
        if (unscaled.bitLength() > 31) {
            throw new IllegalArgumentException("decimal unscaled value must fit 32 bits: " + d);
        }
        out.writeByte(scale).writeInt(unscaled.intValue());
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("field table nested deeper than " + MAX_DEPTH);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castTable(Map<?, ?> m) {
        for (Object key : m.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException("field table keys must be strings, got " + key);
            }
        }
        return (Map<String, ?>) m;
    }

    private static int tableSize(Map<String, ?> table, int depth) {
        checkDepth(depth);
        int size = 4;
        if (table != null) {
            for (Map.Entry<String, ?> e : table.entrySet()) {
                size += 1 + shortstrSize(e.getKey()) + valueSize(e.getValue(), depth);
            }
        }
        return size;
    }

    private static int arraySize(Iterable<?> values, int depth) {
        checkDepth(depth);
        int size = 4;
        for (Object v : values) {
            size += valueSize(v, depth);
        }
        return size;
    }

    private static int shortstrSize(String s) {
        return s == null ? 0 : ByteBufUtil.utf8Bytes(s);
    }

    // Sizes include the one-byte type tag.
    private static int valueSize(Object v, int depth) {
        if (v == null) {
            return 1;
        } else if (v instanceof String s) {
            return 5 + ByteBufUtil.utf8Bytes(s);
        } else if (v instanceof LongString s) {
            return 5 + s.byteLength();
        } else if (v instanceof Integer || v instanceof Float) {
            return 5;
        } else if (v instanceof Long || v instanceof Double || v instanceof Date) {
            return 9;
        } else if (v instanceof Boolean || v instanceof Byte) {
            return 2;
        } else if (v instanceof Short) {
            return 3;
        } else if (v instanceof BigDecimal) {
            return 6;
        } else if (v instanceof byte[] bytes) {
            return 5 + bytes.length;
        } else if (v instanceof Map<?, ?> m) {
            return 1 + tableSize(castTable(m), depth + 1);
        } else if (v instanceof List<?> list) {
            return 1 + arraySize(list, depth + 1);
        } else if (v instanceof Object[] array) {
            return 1 + arraySize(java.util.Arrays.asList(array), depth + 1);
        }
        throw new IllegalArgumentException("unsupported field table value type " + v.getClass().getName());
    }
}
