package io.warren.codec;

import io.netty.handler.codec.DecoderException;

/**
 * A protocol violation carrying the AMQP reply code the peer should be told about.
 *
 * <p>The message is the reply text in RabbitMQ style, e.g. {@code "FRAME_ERROR - bad frame end"}.
 * When thrown from a Netty decoder it arrives in {@code exceptionCaught} wrapped in a
 * {@link DecoderException}; use {@link #unwrap(Throwable)} there.
 */
public class AmqpProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int replyCode;

    /** Creates an exception whose message is used verbatim as the reply text. */
    public AmqpProtocolException(int replyCode, String replyText) {
        super(replyText);
        this.replyCode = replyCode;
    }

    /** Creates an exception with reply text {@code "<NAME> - <detail>"}. */
    public static AmqpProtocolException of(int replyCode, String detail) {
        return new AmqpProtocolException(replyCode, ReplyCodes.name(replyCode) + " - " + detail);
    }

    public int replyCode() {
        return replyCode;
    }

    /** The reply text, identical to {@link #getMessage()}. */
    public String replyText() {
        return getMessage();
    }

    /**
     * Finds the AmqpProtocolException in a cause chain (typically a DecoderException), or null.
     */
    public static AmqpProtocolException unwrap(Throwable t) {
        // Bounded walk: a pathological self-referencing chain must not loop forever.
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof AmqpProtocolException e) {
                return e;
            }
        }
        return null;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Protocol errors are expected input, often from hostile peers; stack traces are not useful
        // and make fuzzed connections expensive.
        return this;
    }
}
