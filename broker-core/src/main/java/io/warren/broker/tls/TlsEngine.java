package io.warren.broker.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/** The TLS implementation: the JDK's SSLEngine, or BoringSSL through netty-tcnative. */
public enum TlsEngine {
    JDK,
    OPENSSL;

    public static final TlsEngine DEFAULT = OPENSSL;

    /** Parses "jdk" or "openssl" (any case); throws IllegalArgumentException with the choices otherwise. */
    public static TlsEngine parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "jdk" -> JDK;
            case "openssl", "boringssl" -> OPENSSL;
            default -> throw new IllegalArgumentException("tls-engine must be 'jdk' or 'openssl', got '" + s + "'");
        };
    }

    /** True when this engine can run here: BoringSSL needs its native library for this platform. */
    public boolean available() {
        return this == JDK || OpenSsl.isAvailable();
    }

    SslProvider provider() {
        return this == JDK ? SslProvider.JDK : SslProvider.OPENSSL;
    }
}
