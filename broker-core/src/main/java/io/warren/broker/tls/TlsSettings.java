package io.warren.broker.tls;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the PEM files are and how peers are checked, as RabbitMQ's {@code ssl_options}: one set serves the AMQPS
 * listener and the management HTTPS listener.
 *
 * @param certChain        the server's certificate chain, PEM (leaf first), as {@code certfile}
 * @param key              its private key, unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), as {@code keyfile}
 * @param ca               the CA bundle client certificates are checked against, PEM (null: none), as
 *                         {@code cacertfile}
 * @param verifyPeer       ask clients for a certificate and check it against the CA bundle ({@code verify_peer})
 * @param failIfNoPeerCert refuse clients that send none ({@code fail_if_no_peer_cert}); needs verifyPeer
 * @param engine           which TLS implementation runs the handshakes and the records
 * @param reloadInterval   how often the files are read again; changed files make a new context for new connections
 */
public record TlsSettings(Path certChain, Path key, Path ca, boolean verifyPeer, boolean failIfNoPeerCert,
                          TlsEngine engine, Duration reloadInterval) {
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

    public TlsSettings {
        if (certChain == null || key == null) {
            throw new IllegalArgumentException("TLS needs a certificate chain file and a key file");
        }
        if (verifyPeer && ca == null) {
            throw new IllegalArgumentException("tls-verify-peer needs a CA bundle (tls-ca) to check client "
                    + "certificates against");
        }
        if (failIfNoPeerCert && !verifyPeer) {
            throw new IllegalArgumentException("tls-fail-if-no-peer-cert needs tls-verify-peer");
        }
        if (reloadInterval == null || reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("the TLS reload interval must be positive");
        }
    }

    /** Server certificate only: no client certificates asked for, the default engine, the default reload interval. */
    public static TlsSettings of(Path certChain, Path key) {
        return new TlsSettings(certChain, key, null, false, false, TlsEngine.DEFAULT, DEFAULT_RELOAD_INTERVAL);
    }

    public TlsSettings withPeerVerification(Path caBundle, boolean verify, boolean failIfNoCert) {
        return new TlsSettings(certChain, key, caBundle, verify, failIfNoCert, engine, reloadInterval);
    }

    public TlsSettings withEngine(TlsEngine e) {
        return new TlsSettings(certChain, key, ca, verifyPeer, failIfNoPeerCert, e, reloadInterval);
    }

    public TlsSettings withReloadInterval(Duration interval) {
        return new TlsSettings(certChain, key, ca, verifyPeer, failIfNoPeerCert, engine, interval);
    }
}
