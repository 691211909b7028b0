package io.warren.broker.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A TLS connection's session as RabbitMQ's management API shows it: protocol, cipher suite and, when the client sent
 * a verified certificate, its subject and issuer (null when none).
 */
public record TlsSessionInfo(String protocol, String cipherSuite, String peerCertSubject, String peerCertIssuer) {

    /** The session of this socket's finished TLS handshake, or null on a plain connection. */
    public static TlsSessionInfo of(Channel socket) {
        SslHandler tls = socket.pipeline().get(SslHandler.class);
        if (tls == null || !tls.handshakeFuture().isSuccess()) {
            return null;
        }
        SSLSession s = tls.engine().getSession();
        String subject = null;
        String issuer = null;
        try {
            Certificate[] chain = s.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                subject = leaf.getSubjectX500Principal().getName();
                issuer = leaf.getIssuerX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate: subject and issuer stay null
        }
        return new TlsSessionInfo(s.getProtocol(), s.getCipherSuite(), subject, issuer);
    }
}
