package io.warren.routing;

import static io.warren.routing.Routing.route;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeadersRouterTest {
    private final HeadersRouter<String> router = new HeadersRouter<>();

    /** Stands in for the codec's long string: a CharSequence that is not a String. */
    private record LongText(byte[] utf8) implements CharSequence {
        LongText(String text) {
            this(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public int length() {
            return toString().length();
        }

        @Override
        public char charAt(int index) {
            return toString().charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().subSequence(start, end);
        }
    }

    private static boolean matches(Map<String, Object> arguments, Map<String, Object> headers) {
        HeadersRouter<String> single = new HeadersRouter<>();
        single.bind("q", "", arguments);
        return route(single, "", headers).contains("q");
    }

    private static Map<String, Object> withVoid(String key, Map<String, Object> others) {
        Map<String, Object> map = new HashMap<>(others);
        map.put(key, null);
        return map;
    }

    @Test
    void allMatchesWhenEveryArgumentMatches() {
        Map<String, Object> all = Map.of("x-match", "all", "format", "pdf", "type", "report");
        assertTrue(matches(all, Map.of("format", "pdf", "type", "report")));
        assertTrue(matches(all, Map.of("format", "pdf", "type", "report", "extra", 1)));
        assertFalse(matches(all, Map.of("format", "pdf", "type", "log")));
        assertFalse(matches(all, Map.of("format", "pdf")));
        assertFalse(matches(all, Map.of()));
    }

    @Test
    void allIsTheDefaultMode() {
        Map<String, Object> noMode = Map.of("format", "pdf", "type", "report");
        assertTrue(matches(noMode, Map.of("format", "pdf", "type", "report")));
        assertFalse(matches(noMode, Map.of("format", "pdf")));
    }

    @Test
    void unrecognisedModeRoutesAsAll() {
        Map<String, Object> bogus = Map.of("x-match", "some", "format", "pdf", "type", "report");
        assertFalse(matches(bogus, Map.of("format", "pdf")));
        assertTrue(matches(bogus, Map.of("format", "pdf", "type", "report")));
    }

    @Test
    void anyMatchesWhenOneArgumentMatches() {
        Map<String, Object> any = Map.of("x-match", "any", "format", "pdf", "type", "report");
        assertTrue(matches(any, Map.of("format", "pdf")));
        assertTrue(matches(any, Map.of("format", "zip", "type", "report")));
        assertFalse(matches(any, Map.of("format", "zip", "type", "log")));
        assertFalse(matches(any, Map.of()));
    }

    @Test
    void allWithNoArgumentsMatchesEveryMessageEvenWithoutHeaders() {
        assertTrue(matches(Map.of(), null));
        assertTrue(matches(Map.of("x-match", "all"), Map.of("a", 1)));
        assertTrue(matches(Map.of("x-match", "all"), null));
    }

    @Test
    void anyWithNoArgumentsMatchesNothing() {
        assertFalse(matches(Map.of("x-match", "any"), Map.of("a", 1)));
        assertFalse(matches(Map.of("x-match", "any"), null));
    }

    @Test
    void missingHeadersMatchOnlyAllBindingsWithoutArguments() {
        assertFalse(matches(Map.of("a", 1), null));
        assertFalse(matches(Map.of("x-match", "any", "a", 1), null));
        assertTrue(matches(Map.of("x-match", "all", "x-ignored", 1), null));
    }

    @Test
    void xArgumentsAreIgnoredByAllAndAny() {
        assertTrue(matches(Map.of("x-match", "all", "x-tag", "t", "a", 1), Map.of("a", 1)));
        assertFalse(matches(Map.of("x-match", "any", "x-tag", "t"), Map.of("x-tag", "t")));
        assertFalse(matches(Map.of("x-match", "any", "x-tag", "t", "a", 1), Map.of("x-tag", "t")));
    }

    @Test
    void allWithXRequiresXArgumentsToMatchToo() {
        Map<String, Object> allWithX = Map.of("x-match", "all-with-x", "x-tag", "t", "a", 1);
        assertFalse(matches(allWithX, Map.of("a", 1)));
        assertTrue(matches(allWithX, Map.of("a", 1, "x-tag", "t")));
    }

    @Test
    void anyWithXMatchesOnAnXArgumentAlone() {
        Map<String, Object> anyWithX = Map.of("x-match", "any-with-x", "x-tag", "t", "a", 1);
        assertTrue(matches(anyWithX, Map.of("x-tag", "t")));
        assertFalse(matches(anyWithX, Map.of("x-tag", "u", "a", 2)));
    }

    @Test
    void xMatchItselfNeverTakesPart() {
        assertTrue(matches(Map.of("x-match", "all-with-x"), Map.of()));
        assertFalse(matches(Map.of("x-match", "any-with-x"), Map.of("x-match", "any-with-x")));
    }

    @Test
    void voidArgumentMatchesAHeaderThatIsPresentWithAnyValue() {
        Map<String, Object> presence = withVoid("trace", Map.of());
        assertTrue(matches(presence, Map.of("trace", "yes")));
        assertTrue(matches(presence, withVoid("trace", Map.of())));
        assertFalse(matches(presence, Map.of("other", 1)));
        assertFalse(matches(presence, null));
    }

    @Test
    void valuedArgumentDoesNotMatchAVoidHeader() {
        assertFalse(matches(Map.of("a", "x"), withVoid("a", Map.of())));
    }

    @Test
    void stringsCompareByContentWhateverTheirCharSequenceType() {
        assertTrue(matches(Map.of("format", "pdf"), Map.of("format", new LongText("pdf"))));
        assertTrue(matches(Map.of("format", new LongText("pdf")), Map.of("format", "pdf")));
        assertTrue(matches(Map.of("format", new StringBuilder("pdf")), Map.of("format", new LongText("pdf"))));
        assertFalse(matches(Map.of("format", "pdf"), Map.of("format", new LongText("zip"))));
        assertFalse(matches(Map.of("format", "1"), Map.of("format", 1)));
    }

    @Test
    void integralNumbersCompareByValueWhateverTheirWidth() {
        assertTrue(matches(Map.of("n", 5), Map.of("n", 5L)));
        assertTrue(matches(Map.of("n", 5L), Map.of("n", (byte) 5)));
        assertTrue(matches(Map.of("n", (short) -3), Map.of("n", -3)));
        assertFalse(matches(Map.of("n", 5), Map.of("n", 6L)));
    }

    @Test
    void otherValuesCompareWithEquals() {
        assertTrue(matches(Map.of("f", 1.5), Map.of("f", 1.5)));
        assertFalse(matches(Map.of("f", 5.0), Map.of("f", 5L)));
        assertTrue(matches(Map.of("b", true), Map.of("b", true)));
        assertFalse(matches(Map.of("b", true), Map.of("b", "true")));
    }

    @Test
    void routingKeyIsIgnored() {
        router.bind("q", "some-key", Map.of("a", 1));
        assertEquals(Set.of("q"), route(router, "other-key", Map.of("a", 1)));
    }

    @Test
    void destinationMatchedByTwoBindingsIsRoutedOnce() {
        router.bind("q", "", Map.of("a", 1));
        router.bind("q", "", Map.of("b", 2));
        router.bind("q2", "", Map.of("b", 2));
        assertEquals(Set.of("q", "q2"), route(router, "", Map.of("a", 1, "b", 2)));
    }

    @Test
    void unbindRemovesOnlyTheBindingWithThoseArguments() {
        router.bind("q", "", Map.of("a", 1));
        router.bind("q", "", Map.of("b", 2));
        router.unbind("q", "", Map.of("a", 1));
        assertEquals(Set.of(), route(router, "", Map.of("a", 1)));
        assertEquals(Set.of("q"), route(router, "", Map.of("b", 2)));
        router.unbindAll("q");
        assertEquals(Set.of(), route(router, "", Map.of("b", 2)));
    }

    @Test
    void validateArgumentsAcceptsTheFourModesAndAbsence() {
        for (String mode : new String[] {"all", "any", "all-with-x", "any-with-x"}) {
            assertDoesNotThrow(() -> HeadersRouter.validateArguments(Map.of("x-match", mode)));
        }
        assertDoesNotThrow(() -> HeadersRouter.validateArguments(Map.of("x-match", new LongText("any"))));
        assertDoesNotThrow(() -> HeadersRouter.validateArguments(Map.of("a", 1)));
        assertDoesNotThrow(() -> HeadersRouter.validateArguments(null));
    }

    @Test
    void validateArgumentsRejectsAnUnknownModeWithRabbitMqsText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeadersRouter.validateArguments(Map.of("x-match", "some")));
        assertEquals("Invalid x-match field value \"some\"; expected all, any, all-with-x, or any-with-x", e.getMessage());
    }

    @Test
    void validateArgumentsRejectsAModeThatIsNotAString() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeadersRouter.validateArguments(Map.of("x-match", 1)));
        assertTrue(e.getMessage().startsWith("Invalid x-match field type"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeadersRouter.validateArguments(withVoid("x-match", Map.of())));
    }
}
