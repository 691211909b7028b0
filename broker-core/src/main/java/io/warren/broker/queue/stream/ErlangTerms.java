package io.warren.broker.queue.stream;

import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Field-table values printed as RabbitMQ's error texts print them (Erlang's ~p of the decoded term), so a client
 * sees {@code {invalid_stream_offset_arg,{longstr,<<"foo">>}}} where RabbitMQ would say exactly that.
 */
final class ErlangTerms {
    private ErlangTerms() {
    }

    /** RabbitMQ's rabbit_misc:rs for a queue: {@code queue 'q' in vhost '/'}. */
    static String queue(String queue, String vhost) {
        return "queue '" + queue + "' in vhost '" + vhost + "'";
    }

    /** A value with its field type, as RabbitMQ's table lookups return it: {@code {longstr,<<"foo">>}}. */
    static String typed(Object value) {
        return "{" + FieldTables.typeName(value) + "," + value(value) + "}";
    }

    /** The value alone, as an Erlang term. */
    static String value(Object v) {
        if (v == null) {
            return "undefined";
        } else if (v instanceof LongString s) {
            return binary(s.bytes());
        } else if (v instanceof String s) {
            return binary(s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            return binary(b);
        } else if (v instanceof Date d) {
            return Long.toString(d.getTime() / 1000); // timestamps are whole seconds on the wire
        } else if (v instanceof BigDecimal d) {
            return "{" + d.scale() + "," + d.unscaledValue() + "}";
        } else if (v instanceof Map<?, ?> table) {
            StringBuilder out = new StringBuilder("[");
            for (Map.Entry<?, ?> e : table.entrySet()) {
                if (out.length() > 1) {
                    out.append(',');
                }
                out.append('{').append(value(e.getKey().toString())).append(',')
                        .append(FieldTables.typeName(e.getValue())).append(',').append(value(e.getValue())).append('}');
            }
            return out.append(']').toString();
        } else if (v instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Object item : list) {
                if (out.length() > 1) {
                    out.append(',');
                }
                out.append(typed(item));
            }
            return out.append(']').toString();
        }
        return v.toString(); // numbers and booleans print as Java prints them
    }

    private static String binary(byte[] bytes) {
        if (bytes.length == 0) {
            return "<<>>";
        }
        boolean printable = true;
        for (byte b : bytes) {
            printable &= b >= 32 && b < 127;
        }
        StringBuilder out = new StringBuilder("<<");
        if (printable) {
            out.append('"');
            for (byte b : bytes) {
                if (b == '"' || b == '\\') {
                    out.append('\\');
                }
                out.append((char) b);
            }
            out.append('"');
        } else {
            for (int i = 0; i < bytes.length; i++) {
                out.append(i == 0 ? "" : ",").append(bytes[i] & 0xff);
            }
        }
        return out.append(">>").toString();
    }

    /** The text of a string-typed field value, or null when the value is not a string. */
    static String text(Object v) {
        if (v instanceof LongString || v instanceof String) {
            return v.toString();
        }
        return null; // a byte array is AMQP's binary type, not a long string
    }

    static boolean isInteger(Object v) {
        return v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long;
    }
}
