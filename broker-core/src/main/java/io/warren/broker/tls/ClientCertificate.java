package io.warren.broker.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/** What a connection's verified client certificate says: the login of SASL EXTERNAL. */
public final class ClientCertificate {
    private ClientCertificate() {
    }

    /**
     * The common name (CN) of the subject of the client certificate this TLS connection verified, as
     * rabbitmq_auth_mechanism_ssl with {@code ssl_cert_login_from = common_name}; null on a plain connection, when the
     * client sent no certificate, or when its subject has no CN.
     */
    public static String verifiedCommonName(Channel socket) {
        SslHandler tls = socket.pipeline().get(SslHandler.class);
        if (tls == null || !tls.handshakeFuture().isSuccess()) {
            return null;
        }
        Certificate[] chain;
        try {
            // only certificates the trust manager accepted are here: without verify_peer none is asked for
            chain = tls.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return null;
        }
        return commonName(leaf.getSubjectX500Principal());
    }

    /** The most specific CN of a distinguished name, or null. */
    static String commonName(X500Principal subject) {
        try {
            List<Rdn> rdns = new LdapName(subject.getName(X500Principal.RFC2253)).getRdns();
            // LdapName lists the least specific first (C=..., O=...), the CN usually last
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return rdns.get(i).getValue().toString();
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
