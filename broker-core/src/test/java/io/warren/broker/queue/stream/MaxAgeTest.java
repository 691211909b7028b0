package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MaxAgeTest {
    @ParameterizedTest
    @CsvSource({
        "10s, 10000",
        "30m, 1800000",
        "12h, 43200000",
        "7D, 604800000",
        "1M, 2592000000",
        "1Y, 31536000000",
        "01h, 3600000"})
    void unitsAreRabbitMqsWithMonthsOfThirtyDaysAndYearsOf365(String text, long millis) {
        assertEquals(millis, MaxAge.millis(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0D", "10", "1d", "1H", "1.5h", "h", "-1h", "1hh", " 1h", "1h ",
        "99999999999999999999s", "9223372036854775807Y"})
    void anythingElseIsNotAnAge(String text) {
        assertEquals(-1, MaxAge.millis(text));
    }
}
