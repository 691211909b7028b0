package io.warren.broker.delayed;

import io.warren.broker.message.Message;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code x-delay} header, read as the delayed-message plugin reads it: integers of any width, floating-point
 * and decimal numbers (truncated) and numeric strings, in milliseconds. Anything else, a delay of zero or less, or
 * one above the plugin's ceiling routes the message at once.
 */
public final class DelayHeader {
    public static final String NAME = "x-delay";
    /** Erlang's largest timer, the plugin's ceiling: a longer delay is not a delay at all there either. */
    static final long MAX_DELAY_MS = 4_294_967_295L;

    private DelayHeader() {
    }

    /** The message's delay in milliseconds, or 0 when it is to be routed at once. */
    public static long of(Message m) {
        if (!m.hasHeaders()) {
            return 0;
        }
        return of(m.properties().headers());
    }

    /** The delay a message with these headers (or null) asks for, or 0. */
    public static long of(Map<String, Object> headers) {
        return headers == null ? 0 : of(headers.get(NAME));
    }

    static long of(Object value) {
        long delay;
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            delay = ((Number) value).longValue();
        } else if (value instanceof Float || value instanceof Double || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            delay = Double.isNaN(d) ? 0 : (long) d; // truncated toward zero, as Erlang's trunc
        } else if (value instanceof CharSequence s) {
            try {
                delay = Long.parseLong(s.toString());
            } catch (NumberFormatException e) {
                delay = 0; // the plugin's binary_to_integer would fail; a plain route is kinder
            }
        } else {
            delay = 0;
        }
        return delay > 0 && delay <= MAX_DELAY_MS ? delay : 0;
    }

    /**
     * The message as it leaves the exchange: the plugin sets {@code x-delay} to minus the delay (a signed 32-bit
     * integer where it fits), so that a consumer can tell it was delayed and a further delayed exchange does not
     * delay it again. Consumes the caller's reference.
     */
    static Message negated(Message m) {
        Map<String, Object> headers = m.properties().headers();
        long delay = headers == null ? 0 : of(headers.get(NAME));
        if (delay == 0) {
            return m;
        }
        Map<String, Object> copy = new LinkedHashMap<>(headers);
        copy.put(NAME, delay <= Integer.MAX_VALUE ? (Object) (int) -delay : (Object) (-delay));
        Message out = Message.withProperties(m.exchange(), m.routingKey(), m.properties().withHeaders(copy),
                m.body().retain());
        m.release();
        return out;
    }
}
