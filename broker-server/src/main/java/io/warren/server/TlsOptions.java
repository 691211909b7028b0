package io.warren.server;

import io.warren.broker.tls.TlsEngine;
import io.warren.broker.tls.TlsSettings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The TLS part of the flags and config file: certificates, peer verification, the engine, and the AMQPS and HTTPS
 * ports (each -1 when off). Without tls-cert there is no TLS: settings is null and both ports are off.
 *
 * @param amqpsPort AMQP over TLS port (5671 when TLS is configured, as RabbitMQ's listeners.ssl.default)
 * @param httpsPort management HTTPS port (15671 when TLS is configured, as RabbitMQ's management.ssl.port)
 * @param settings  the certificates and peer verification, or null
 */
public record TlsOptions(int amqpsPort, int httpsPort, TlsSettings settings) {
    static final int DEFAULT_AMQPS_PORT = 5671;
    static final int DEFAULT_HTTPS_PORT = 15671;

    /** Takes the TLS keys out of the merged flags and config file; throws IllegalArgumentException on bad ones. */
    static TlsOptions take(Map<String, String> merged) {
        String cert = merged.remove("tls-cert");
        String key = merged.remove("tls-key");
        String ca = merged.remove("tls-ca");
        String verify = merged.remove("tls-verify-peer");
        String failIfNoCert = merged.remove("tls-fail-if-no-peer-cert");
        String engine = merged.remove("tls-engine");
        String amqps = merged.remove("amqps-port");
        String https = merged.remove("https-port");
        if (cert == null && key == null) {
            if (ca != null || verify != null || failIfNoCert != null || engine != null || amqps != null
                    || https != null) {
                throw new IllegalArgumentException("TLS options need tls-cert and tls-key (the server's certificate "
                        + "chain and private key, PEM files)");
            }
            return new TlsOptions(-1, -1, null);
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("TLS needs both tls-cert and tls-key");
        }
        TlsSettings s = TlsSettings.of(Path.of(cert), Path.of(key))
                .withPeerVerification(ca == null ? null : Path.of(ca), bool(verify, "tls-verify-peer"),
                        bool(failIfNoCert, "tls-fail-if-no-peer-cert"))
                .withEngine(engine == null ? TlsEngine.DEFAULT : TlsEngine.parse(engine));
        return new TlsOptions(ServerOptions.port(amqps, DEFAULT_AMQPS_PORT, "amqps-port"),
                ServerOptions.port(https, DEFAULT_HTTPS_PORT, "https-port"), s);
    }

    private static boolean bool(String v, String name) {
        if (v == null) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }
}
