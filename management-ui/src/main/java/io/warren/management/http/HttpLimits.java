package io.warren.management.http;

/**
 * What one HTTP client may hold of the management server: how long a connection may idle between requests, how
 * long one request may take to arrive, how many connections may be open, how large a body may be and how many body
 * bytes all requests together may have buffered. Timeouts of 0 turn the timeout off.
 *
 * @param idleTimeoutMillis    a connection with no request under way is closed after this long (RabbitMQ's
 *                             management listener, through cowboy, closes idle connections after 60 s)
 * @param requestTimeoutMillis a request's head and body must have arrived this long after its first byte, so a client
 *                             that trickles them (slowloris) cannot hold a connection; it gets 408 and is closed
 * @param maxConnections       connections past this are closed as soon as they are accepted, so the HTTP port can
 *                             never take the file descriptors that AMQP connections need
 * @param maxBody              largest body of the routes that take big ones (definitions import, publish); every
 *                             other API route takes at most {@link #SMALL_BODY}, console files and /metrics none
 * @param bodyBudget           body bytes that all connections together may have buffered at once; a request that
 *                             would go past it gets 503 (one larger than the whole budget runs alone)
 */
public record HttpLimits(long idleTimeoutMillis, long requestTimeoutMillis, int maxConnections, int maxBody,
                         long bodyBudget) {
    /** Largest body of the ordinary API routes: their JSON documents are a few kB at most. */
    public static final int SMALL_BODY = 1024 * 1024;

    public HttpLimits {
        if (idleTimeoutMillis < 0 || requestTimeoutMillis < 0) {
            throw new IllegalArgumentException("HTTP timeouts must not be negative");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("http-max-connections must be at least 1, got " + maxConnections);
        }
        if (maxBody < 0 || bodyBudget < 0) {
            throw new IllegalArgumentException("HTTP body sizes must not be negative");
        }
    }

    public static HttpLimits defaults() {
        return new HttpLimits(60_000, 60_000, 1000, 64 * 1024 * 1024, 128L * 1024 * 1024);
    }

    public HttpLimits withIdleTimeoutMillis(long v) {
        return new HttpLimits(v, requestTimeoutMillis, maxConnections, maxBody, bodyBudget);
    }

    public HttpLimits withRequestTimeoutMillis(long v) {
        return new HttpLimits(idleTimeoutMillis, v, maxConnections, maxBody, bodyBudget);
    }

    public HttpLimits withMaxConnections(int v) {
        return new HttpLimits(idleTimeoutMillis, requestTimeoutMillis, v, maxBody, bodyBudget);
    }

    public HttpLimits withMaxBody(int v) {
        return new HttpLimits(idleTimeoutMillis, requestTimeoutMillis, maxConnections, v, bodyBudget);
    }

    public HttpLimits withBodyBudget(long v) {
        return new HttpLimits(idleTimeoutMillis, requestTimeoutMillis, maxConnections, maxBody, v);
    }
}
