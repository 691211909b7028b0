package io.warren.cluster.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS for the link between nodes, both ways: every node proves itself with its own certificate (the one its AMQPS
 * listener uses), checked against the CA bundle on both ends, and a connecting node checks the other's host name
 * (as written in the cluster's members) against the certificate it shows. TLS 1.2 and 1.3 only.
 */
public final class LinkTls {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private final SslContext server;
    private final SslContext client;

    private LinkTls(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    /** From PEM files: the node's certificate chain and key, and the CA bundle the other nodes' are checked against. */
    public static LinkTls of(Path certChain, Path key, Path ca) throws IOException {
        try {
            SslContext server = SslContextBuilder.forServer(certChain.toFile(), key.toFile())
                    .trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE).protocols(PROTOCOLS).build();
            SslContext client = SslContextBuilder.forClient().keyManager(certChain.toFile(), key.toFile())
                    .trustManager(ca.toFile()).endpointIdentificationAlgorithm("HTTPS").protocols(PROTOCOLS)
                    .build();
            return new LinkTls(server, client);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("the cluster link's TLS files (" + certChain + ", " + key + ", " + ca
                    + ") do not load: " + e.getMessage(), e);
        }
    }

    SslHandler serverHandler(ByteBufAllocator alloc) {
        return server.newHandler(alloc);
    }

    SslHandler clientHandler(ByteBufAllocator alloc, InetSocketAddress to) {
        return client.newHandler(alloc, to.getHostString(), to.getPort());
    }
}
