package io.warren.broker.delayed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** x-delay as the plugin reads it. */
class DelayHeaderTest {
    private static long delayOf(Object value) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("x-delay", value);
        return DelayHeader.of(headers);
    }

    @Test
    void integersOfEveryWidthAreMilliseconds() {
        assertEquals(5, delayOf((byte) 5));
        assertEquals(500, delayOf((short) 500));
        assertEquals(5_000, delayOf(5_000));
        assertEquals(4_000_000_000L, delayOf(4_000_000_000L));
    }

    @Test
    void floatingAndDecimalDelaysAreTruncatedAndNumericStringsParsed() {
        assertEquals(1_500, delayOf(1_500.9));
        assertEquals(2, delayOf(2.7f));
        assertEquals(42, delayOf(new BigDecimal("42.5")));
        assertEquals(300, delayOf(LongString.of("300")));
        assertEquals(300, delayOf("300"));
    }

    @Test
    void anythingElseRoutesAtOnce() {
        assertEquals(0, DelayHeader.of((Map<String, Object>) null));
        assertEquals(0, delayOf(null));
        assertEquals(0, delayOf(0));
        assertEquals(0, delayOf(-10));
        assertEquals(0, delayOf(LongString.of("soon")));
        assertEquals(0, delayOf(true));
        assertEquals(0, delayOf(Double.NaN));
        // above Erlang's largest timer the plugin does not delay either
        assertEquals(0, delayOf(4_294_967_296L));
        assertEquals(4_294_967_295L, delayOf(4_294_967_295L));
    }
}
