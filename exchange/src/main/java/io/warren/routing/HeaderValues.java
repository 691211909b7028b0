package io.warren.routing;

/**
 * Equality of header values across the types a codec may decode: strings compare by content
 * whatever their CharSequence class, integral numbers by value whatever their width.
 */
final class HeaderValues {
    private HeaderValues() {
    }

    /** Puts a binding value in the form {@link #matches} compares cheapest. */
    static Object normalise(Object value) {
        if (value instanceof CharSequence) {
            return value.toString();
        }
        if (isIntegral(value)) {
            return ((Number) value).longValue();
        }
        return value;
    }

    /** True if a header value equals a normalised, non-null binding value. */
    static boolean matches(Object bindingValue, Object headerValue) {
        if (headerValue == null) {
            return false;
        }
        if (bindingValue instanceof String text) {
            return headerValue instanceof CharSequence && text.equals(headerValue.toString());
        }
        if (bindingValue instanceof Long number) {
            return isIntegral(headerValue) && number == ((Number) headerValue).longValue();
        }
        return bindingValue.equals(headerValue);
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }
}
