package io.warren.broker.connection;

import io.warren.broker.tls.TlsSessionInfo;

/**
 * How a connection was secured: the SASL mechanism its client logged in with (PLAIN, AMQPLAIN, EXTERNAL; null
 * before it did) and its TLS session (null on a plain connection).
 */
public record ConnectionSecurity(String authMechanism, TlsSessionInfo tls) {
}
