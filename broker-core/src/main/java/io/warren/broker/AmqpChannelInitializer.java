package io.warren.broker;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.tls.ServerTlsContext;
import io.warren.codec.frame.FrameDecoder;

/** The pipeline of an accepted AMQP socket: TLS first on the AMQPS listener, then frames, then the connection. */
@ChannelHandler.Sharable
final class AmqpChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final Broker broker;
    private final ServerTlsContext tls;

    /** tls is null for the plain listener. */
    AmqpChannelInitializer(Broker broker, ServerTlsContext tls) {
        this.broker = broker;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (tls != null) {
            // the newest certificate at accept time: a reload changes new connections only
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        }
        ch.pipeline().addLast("frames", new FrameDecoder());
        ch.pipeline().addLast("amqp", new AmqpConnection(broker, ch));
    }
}
