package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void aBareNumberIsBytes() {
        assertEquals(52_428_800L, ByteSize.parse("52428800"));
        assertEquals(0L, ByteSize.parse("0"));
    }

    @Test
    void decimalUnitsCountInThousandsAndBinaryUnitsInKibibytes() {
        assertEquals(50_000_000L, ByteSize.parse("50MB"));
        assertEquals(2_000L, ByteSize.parse("2kB"));
        assertEquals(1_000_000_000L, ByteSize.parse("1 GB"));
        assertEquals(1L << 30, ByteSize.parse("1GiB"));
        assertEquals(512L << 20, ByteSize.parse("512m"));
        assertEquals(1536L << 20, ByteSize.parse("1.5GiB"));
        assertEquals(10L, ByteSize.parse("10B"));
    }

    @Test
    void anUnknownUnitOrNoNumberIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("5 parsecs"));
        assertTrue(e.getMessage().contains("unknown unit 'parsecs'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("MB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("1.2.3MB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999TiB"));
    }
}
