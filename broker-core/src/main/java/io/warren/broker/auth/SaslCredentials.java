package io.warren.broker.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Username and password out of a connection.start-ok response, for the PLAIN and AMQPLAIN mechanisms. */
public record SaslCredentials(String username, String password) {
    public static final String MECHANISMS = "PLAIN AMQPLAIN";
    /** The login is the client certificate's CN: offered only on TLS connections with a verified certificate. */
    public static final String EXTERNAL = "EXTERNAL";

    /** True for the mechanisms offered in connection.start. */
    public static boolean supports(String mechanism) {
        return "PLAIN".equals(mechanism) || "AMQPLAIN".equals(mechanism);
    }

    /** Parses the response; returns null when the mechanism is unknown or the response malformed. */
    public static SaslCredentials parse(String mechanism, LongString response) {
        byte[] bytes = response.bytes();
        if ("PLAIN".equals(mechanism)) {
            // authzid NUL authcid NUL password
            int first = indexOf(bytes, 0);
            int second = first < 0 ? -1 : indexOf(bytes, first + 1);
            if (second < 0) {
                return null;
            }
            return new SaslCredentials(
                    new String(bytes, first + 1, second - first - 1, StandardCharsets.UTF_8),
                    new String(bytes, second + 1, bytes.length - second - 1, StandardCharsets.UTF_8));
        }
        if ("AMQPLAIN".equals(mechanism)) {
            // a field table without its length prefix
            ByteBuf buf = Unpooled.buffer(bytes.length + 4).writeInt(bytes.length).writeBytes(bytes);
            try {
                Map<String, Object> table = FieldTables.read(buf);
                Object login = table.get("LOGIN");
                Object password = table.get("PASSWORD");
                return login == null || password == null ? null
                        : new SaslCredentials(login.toString(), password.toString());
            } catch (RuntimeException e) {
                return null;
            } finally {
                buf.release();
            }
        }
        return null;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
