package io.warren.broker.durable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** x-arguments through the definitions store's JSON and back keep their values and their field types. */
class ArgumentsJsonTest {

    private static Map<String, Object> roundTrip(Map<String, Object> table) {
        return ArgumentsJson.read(ArgumentsJson.write(table));
    }

    /** One entry as it would go on the wire: equal bytes mean a client cannot tell the two values apart. */
    private static byte[] wire(String key, Object value) {
        Map<String, Object> table = new LinkedHashMap<>();
        table.put(key, value);
        ByteBuf buf = Unpooled.buffer();
        try {
            FieldTables.write(buf, table);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void typicalQueueArgumentsComeBackEqualAndOfTheSameType() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-message-ttl", 60_000);
        args.put("x-expires", 3_600_000L);
        args.put("x-dead-letter-exchange", LongString.of("dlx"));
        args.put("x-dead-letter-routing-key", LongString.of("dead.letters"));
        args.put("x-max-priority", 10);
        args.put("x-single-active-consumer", true);
        Map<String, Object> back = roundTrip(args);
        assertEquals(args, back);
        assertInstanceOf(Integer.class, back.get("x-message-ttl"));
        assertInstanceOf(Long.class, back.get("x-expires"));
        assertInstanceOf(LongString.class, back.get("x-dead-letter-exchange"));
    }

    @Test
    void everyFieldTableTypeComesBackAsTheSameWireBytes() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("byte", (byte) -3);
        args.put("short", (short) 300);
        args.put("float", 1.5f);
        args.put("double", Double.NaN);
        args.put("decimal", new BigDecimal("12.345"));
        args.put("bytes", new byte[] {0, 1, (byte) 0xff});
        args.put("binary long string", LongString.wrap(new byte[] {(byte) 0xc3, (byte) 0x28}));
        args.put("unicode", LongString.of("zürich ✓"));
        args.put("timestamp", new Date(1_700_000_000_000L));
        args.put("void", null);
        args.put("nested", Map.of("inner", List.of(1, 2L, LongString.of("three"), Map.of("deep", false))));
        args.put("empty", List.of());
        Map<String, Object> back = roundTrip(args);
        assertEquals(args.keySet(), back.keySet());
        for (String key : args.keySet()) {
            assertArrayEquals(wire(key, args.get(key)), wire(key, back.get(key)), key);
        }
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, (byte[]) back.get("bytes"));
        assertEquals(new BigDecimal("12.345"), back.get("decimal"));
        assertEquals(args.get("nested"), back.get("nested"));
    }

    @Test
    void aJavaStringComesBackAsTheLongStringItIsSentAs() {
        assertEquals(Map.of("k", LongString.of("v")), roundTrip(Map.of("k", "v")));
    }

    @Test
    void equalTablesGiveEqualTextWhateverTheirOrder() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", Map.of("y", 1, "x", 2));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", Map.of("x", 2, "y", 1));
        ba.put("a", 1);
        assertEquals(ArgumentsJson.write(ab), ArgumentsJson.write(ba));
        assertEquals("{}", ArgumentsJson.write(null));
        assertEquals(Map.of(), ArgumentsJson.read("{}"));
    }
}
