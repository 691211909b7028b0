package io.warren.broker.admin;

import io.warren.broker.connection.ConnectionSecurity;
import java.util.List;
import java.util.Map;

/** An open connection as of a snapshot taken on its own thread. */
public record ConnectionView(long id, String name, String user, String vhost, String peerHost, int peerPort,
                             String host, int port, long connectedAt, Map<String, Object> clientProperties,
                             int frameMax, int channelMax, int heartbeat, boolean blocked,
                             List<ChannelView> channels, ConnectionSecurity security) {
}
