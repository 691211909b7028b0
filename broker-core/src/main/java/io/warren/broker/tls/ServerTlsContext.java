package io.warren.broker.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS, built from PEM files and rebuilt when they change: each new connection gets a handler of
 * the newest context that loaded, connections already open keep theirs. A change that does not load (a file half
 * written, a key that does not match) is logged and the previous context stays in use.
 */
public final class ServerTlsContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);
    /** TLS 1.2 and 1.3 only: 1.0 and 1.1 are deprecated (RFC 8996). */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /**
     * Forward secrecy and AEAD only: TLS 1.3's suites, and for 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305; no CBC,
     * RC4, 3DES, static RSA key exchange, export or anonymous suites.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    private final TlsSettings settings;
    private final TlsEngine engine;
    private final ScheduledExecutorService reloader;
    private volatile SslContext current;
    /** The file contents the current context was built from, and those of the last attempt that failed. */
    private List<byte[]> loaded;
    private List<byte[]> failed;

    private ServerTlsContext(TlsSettings settings) {
        this.settings = settings;
        if (settings.engine().available()) {
            engine = settings.engine();
        } else {
            engine = TlsEngine.JDK;
            LOG.warn("TLS engine {} cannot load here ({}); using the JDK's", settings.engine(),
                    io.netty.handler.ssl.OpenSsl.unavailabilityCause().toString());
        }
        List<byte[]> files = read();
        this.current = build(files);
        this.loaded = files;
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warren-tls-reload");
            t.setDaemon(true);
            return t;
        });
        long millis = settings.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads the files and starts watching them; throws IllegalArgumentException saying which file is wrong, so
     * that a broker with bad certificates does not start.
     */
    public static ServerTlsContext load(TlsSettings settings) {
        try {
            return new ServerTlsContext(settings);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read TLS files: " + e.getCause().getMessage(), e);
        } catch (SSLContextException e) {
            throw new IllegalArgumentException(e.getMessage(), e.getCause());
        }
    }

    public TlsSettings settings() {
        return settings;
    }

    /** The engine in use: the one asked for, or the JDK's when BoringSSL cannot load. */
    public TlsEngine engine() {
        return engine;
    }

    /** A handler for a new server-side connection, from the newest context. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current.newHandler(alloc);
    }

    /** Reads the files again and, if they changed and load, makes them the context for new connections. */
    public synchronized void reloadIfChanged() {
        List<byte[]> files;
        try {
            files = read();
        } catch (UncheckedIOException e) {
            LOG.warn("TLS files unreadable, keeping the current certificate: {}", e.getCause().toString());
            return;
        }
        if (same(files, loaded) || same(files, failed)) {
            return;
        }
        try {
            current = build(files);
            loaded = files;
            failed = null;
            LOG.info("TLS certificate files changed: new connections use the new ones");
        } catch (SSLContextException e) {
            failed = files; // logged once per version of the files
            LOG.warn("TLS files changed but do not load, keeping the current certificate: {}", e.getMessage());
        }
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private List<byte[]> read() {
        try {
            byte[] ca = settings.ca() == null ? new byte[0] : Files.readAllBytes(settings.ca());
            return List.of(Files.readAllBytes(settings.certChain()), Files.readAllBytes(settings.key()), ca);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SslContext build(List<byte[]> files) {
        try {
            KeyPairCheck.check(files.get(0), files.get(1));
            SslContextBuilder b = SslContextBuilder
                    .forServer(new ByteArrayInputStream(files.get(0)), new ByteArrayInputStream(files.get(1)))
                    .sslProvider(engine.provider())
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(clientAuth());
            if (settings.ca() != null) {
                b.trustManager(new ByteArrayInputStream(files.get(2)));
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new SSLContextException("TLS files " + describe() + " do not load: " + rootMessage(e), e);
        }
    }

    /** RabbitMQ's verify_peer and fail_if_no_peer_cert, as a server's request for client certificates. */
    private ClientAuth clientAuth() {
        if (!settings.verifyPeer()) {
            return ClientAuth.NONE;
        }
        return settings.failIfNoPeerCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL;
    }

    private String describe() {
        return "(certificate " + settings.certChain() + ", key " + settings.key()
                + (settings.ca() == null ? "" : ", CA " + settings.ca()) + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }

    /** Files that do not make a context. */
    private static final class SSLContextException extends RuntimeException {
        SSLContextException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
