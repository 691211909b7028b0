package io.warren.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldTablesTest {

    private static Map<String, Object> roundTrip(Map<String, ?> table) {
        ByteBuf buf = Unpooled.buffer();
        FieldTables.write(buf, table);
        assertEquals(FieldTables.encodedSize(table), buf.readableBytes(), "encodedSize matches");
        Map<String, Object> decoded = FieldTables.read(buf);
        assertFalse(buf.isReadable(), "whole table consumed");
        return decoded;
    }

    private static Object roundTripValue(Object value) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("v", value);
        return roundTrip(t).get("v");
    }

    @Test
    void typeNamesAreRabbitMqsForTheValuesAsDecoded() {
        assertEquals("longstr", FieldTables.typeName(roundTripValue("text")));
        assertEquals("signedint", FieldTables.typeName(roundTripValue(1)));
        assertEquals("long", FieldTables.typeName(roundTripValue(1L)));
        assertEquals("short", FieldTables.typeName(roundTripValue((short) 1)));
        assertEquals("byte", FieldTables.typeName(roundTripValue((byte) 1)));
        assertEquals("bool", FieldTables.typeName(roundTripValue(true)));
        assertEquals("float", FieldTables.typeName(roundTripValue(1.5f)));
        assertEquals("double", FieldTables.typeName(roundTripValue(1.5d)));
        assertEquals("decimal", FieldTables.typeName(roundTripValue(new BigDecimal("1.5"))));
        assertEquals("binary", FieldTables.typeName(roundTripValue(new byte[] {1})));
        assertEquals("timestamp", FieldTables.typeName(roundTripValue(new Date(1000))));
        assertEquals("table", FieldTables.typeName(roundTripValue(Map.of("k", 1))));
        assertEquals("array", FieldTables.typeName(roundTripValue(List.of(1))));
        assertEquals("void", FieldTables.typeName(roundTripValue(null)));
    }

    @Test
    void everyJavaTypeEncodesToTheTagThatDecodesBackToIt() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("bool", true);
        t.put("byte", (byte) -5);
        t.put("short", (short) -300);
        t.put("int", -70000);
        t.put("long", Long.MIN_VALUE);
        t.put("float", 1.5f);
        t.put("double", -2.25d);
        t.put("decimal", new BigDecimal("-123.4567"));
        t.put("longstr", LongString.of("\u00fcber"));
        t.put("timestamp", new Date(1_700_000_000_000L));
        t.put("void", null);
        t.put("array", List.of(1, LongString.of("two"), List.of(3L), Map.of("k", false)));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("inner", LongString.of("x"));
        nested.put("deeper", new LinkedHashMap<>(Map.of("n", 1)));
        t.put("table", nested);
        Map<String, Object> decoded = roundTrip(t);
        assertEquals(t, decoded);
        assertEquals(List.copyOf(t.keySet()), List.copyOf(decoded.keySet()), "order preserved");
        assertInstanceOf(LinkedHashMap.class, decoded);
    }

    @Test
    void byteArraysRoundTripAsRabbitMqTagX() {
        byte[] bytes = {0, 1, (byte) 0xFF};
        assertArrayEquals(bytes, (byte[]) roundTripValue(bytes));
    }

    @Test
    void javaStringsAreWrittenAsLongStrings() {
        assertEquals(LongString.of("plain"), roundTripValue("plain"));
    }

    @Test
    void objectArraysAreWrittenAsFieldArrays() {
        assertEquals(List.of(1, true), roundTripValue(new Object[] {1, true}));
    }

    @Test
    void timestampsKeepWholeSecondsOnly() {
        assertEquals(new Date(1_700_000_000_000L), roundTripValue(new Date(1_700_000_000_999L)));
    }

    @Test
    void tagsWrittenByOtherClientsDecodeToTheirDocumentedTypes() {
        ByteBuf body = Unpooled.buffer();
        entry(body, "B").writeByte('B').writeByte(200);
        entry(body, "u").writeByte('u').writeShort(60000);
        entry(body, "i").writeByte('i').writeInt(-1);
        entry(body, "L").writeByte('L').writeLong(9);
        entry(body, "V").writeByte('V');
        ByteBuf table = Unpooled.buffer().writeInt(body.readableBytes()).writeBytes(body);
        Map<String, Object> t = FieldTables.read(table);
        assertEquals((short) 200, t.get("B"));
        assertEquals(60000, t.get("u"));
        assertEquals(4294967295L, t.get("i"));
        assertEquals(9L, t.get("L"));
        assertTrue(t.containsKey("V"));
        assertNull(t.get("V"));
    }

    @Test
    void emptyAndNullTablesEncodeAsFourZeroBytes() {
        ByteBuf buf = Unpooled.buffer();
        FieldTables.write(buf, null);
        assertEquals(4, buf.readableBytes());
        assertEquals(Map.of(), FieldTables.read(buf));
    }

    @Test
    void unknownTypeTagIsSyntaxError() {
        ByteBuf body = Unpooled.buffer();
        entry(body, "k").writeByte('Z').writeInt(0);
        ByteBuf table = Unpooled.buffer().writeInt(body.readableBytes()).writeBytes(body);
        AmqpProtocolException e = assertThrows(AmqpProtocolException.class, () -> FieldTables.read(table));
        assertEquals(ReplyCodes.SYNTAX_ERROR, e.replyCode());
        assertTrue(e.getMessage().contains("0x5a"), e.getMessage());
    }

    @Test
    void tableLengthBeyondTheBufferIsSyntaxError() {
        ByteBuf table = Unpooled.buffer().writeInt(1000).writeBytes(new byte[10]);
        assertEquals(ReplyCodes.SYNTAX_ERROR,
                assertThrows(AmqpProtocolException.class, () -> FieldTables.read(table)).replyCode());
    }

    @Test
    void valueOverrunningItsTableIsSyntaxErrorEvenIfBytesFollow() {
        ByteBuf body = Unpooled.buffer();
        entry(body, "k").writeByte('I').writeShort(1); // int needs 4 bytes, only 2 inside the table
        ByteBuf table = Unpooled.buffer().writeInt(body.readableBytes()).writeBytes(body).writeInt(0);
        assertEquals(ReplyCodes.SYNTAX_ERROR,
                assertThrows(AmqpProtocolException.class, () -> FieldTables.read(table)).replyCode());
    }

    @Test
    void absurdlyDeepNestingIsRejectedInsteadOfOverflowingTheStack() {
        ByteBuf inner = Unpooled.buffer().writeInt(0);
        for (int i = 0; i < 1000; i++) {
            ByteBuf outer = Unpooled.buffer();
            outer.writeInt(inner.readableBytes() + 2).writeByte(0).writeByte('F').writeBytes(inner);
            inner = outer;
        }
        ByteBuf deep = inner;
        assertEquals(ReplyCodes.SYNTAX_ERROR,
                assertThrows(AmqpProtocolException.class, () -> FieldTables.read(deep)).replyCode());
    }

    @Test
    void unsupportedJavaTypesAreRejectedOnEncode() {
        Map<String, Object> t = Map.of("k", new Object());
        assertThrows(IllegalArgumentException.class, () -> FieldTables.write(Unpooled.buffer(), t));
    }

    @Test
    void decimalsOutsideTheWireRangeAreRejectedOnEncode() {
        for (BigDecimal bad : Arrays.asList(new BigDecimal("1E+3"), new BigDecimal("4294967296"), BigDecimal.ONE.movePointLeft(256))) {
            Map<String, Object> t = Map.of("d", bad);
            assertThrows(IllegalArgumentException.class, () -> FieldTables.write(Unpooled.buffer(), t), bad.toString());
        }
        assertEquals(new BigDecimal("2147483647"), roundTripValue(new BigDecimal("2147483647")));
        assertEquals(new BigDecimal("-2147483.648"), roundTripValue(new BigDecimal("-2147483.648")));
    }

    private static ByteBuf entry(ByteBuf body, String key) {
        AmqpTypes.writeShortstr(body, key);
        return body;
    }
}
