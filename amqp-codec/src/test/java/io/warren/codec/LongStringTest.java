package io.warren.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LongStringTest {

    @Test
    void equalityIsByBytes() {
        LongString a = LongString.of("h\u00e9llo");
        LongString b = LongString.wrap("h\u00e9llo".getBytes(StandardCharsets.UTF_8));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, LongString.of("hello"));
    }

    @Test
    void charSequenceLengthCountsCharsNotBytes() {
        LongString s = LongString.of("h\u00e9llo");
        assertEquals(5, s.length());
        assertEquals(6, s.byteLength());
        assertEquals('\u00e9', s.charAt(1));
        assertEquals("h\u00e9llo", s.toString());
        assertSame(s.toString(), s.toString(), "decoded text is cached");
    }

    @Test
    void wrapDoesNotCopy() {
        byte[] bytes = {1, 2, 3};
        assertSame(bytes, LongString.wrap(bytes).bytes());
        assertArrayEquals(new byte[0], LongString.EMPTY.bytes());
        assertSame(LongString.EMPTY, LongString.of(""));
    }

    @Test
    void ordersByUnsignedBytes() {
        assertTrue(LongString.of("a").compareTo(LongString.of("b")) < 0);
        assertTrue(LongString.of("\u00e9").compareTo(LongString.of("z")) > 0);
        assertTrue(LongString.of("ab").compareTo(LongString.of("a")) > 0);
    }
}
