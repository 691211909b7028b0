package io.warren.broker.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryWatermarkTest {
    @Test
    void aFractionIsRelativeToTheBudget() {
        MemoryWatermark w = MemoryWatermark.parse("0.4");
        assertEquals(MemoryWatermark.relative(0.4), w);
        assertEquals(400, w.limit(1000));
        assertEquals(0, MemoryWatermark.parse("0").limit(1000));
    }

    @Test
    void aSizeWithAUnitIsAbsolute() {
        MemoryWatermark w = MemoryWatermark.parse("2GiB");
        assertEquals(MemoryWatermark.absolute(2L << 30), w);
        assertEquals(2L << 30, w.limit(1000));
    }

    @Test
    void aBareNumberAboveOneIsRefusedAsAmbiguous() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryWatermark.parse("1048576"));
        assertTrue(e.getMessage().contains("fraction from 0 to 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemoryWatermark.parse("-0.1"));
        assertThrows(IllegalArgumentException.class, () -> MemoryWatermark.parse("lots"));
    }
}
