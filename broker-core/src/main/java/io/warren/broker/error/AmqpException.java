package io.warren.broker.error;

import io.warren.codec.ReplyCodes;

/** A protocol failure that closes either the channel or the whole connection, with a reply code and text. */
public final class AmqpException extends RuntimeException {
    private final int replyCode;
    private final boolean connectionLevel;
    private final int classId;
    private final int methodId;

    private AmqpException(int replyCode, boolean connectionLevel, int classId, int methodId, String replyText) {
        super(replyText, null, false, false);
        this.replyCode = replyCode;
        this.connectionLevel = connectionLevel;
        this.classId = classId;
        this.methodId = methodId;
    }

    /** A failure that closes only the channel (404, 403, 405, 406). */
    public static AmqpException channel(int replyCode, String format, Object... args) {
        return new AmqpException(replyCode, false, 0, 0, text(replyCode, format, args));
    }

    /** A failure that closes the whole connection (5xx). */
    public static AmqpException connection(int replyCode, String format, Object... args) {
        return new AmqpException(replyCode, true, 0, 0, text(replyCode, format, args));
    }

    /** The codec's verdict on malformed input, as a failure that closes the connection with the same reply. */
    public static AmqpException connection(io.warren.codec.AmqpProtocolException e) {
        return new AmqpException(e.replyCode(), true, 0, 0, e.replyText());
    }

    private static String text(int replyCode, String format, Object... args) {
        String detail = args.length == 0 ? format : String.format(format, args);
        return ReplyCodes.name(replyCode) + " - " + detail;
    }

    /** The same failure, attributed to the method that caused it (reported in the close frame). */
    public AmqpException causedBy(int classId, int methodId) {
        if (this.classId != 0 || classId == 0) {
            return this;
        }
        return new AmqpException(replyCode, connectionLevel, classId, methodId, getMessage());
    }

    /** The reply text, cut to fit an AMQP short string. */
    public String replyText() {
        String t = getMessage();
        return t.length() > 250 ? t.substring(0, 250) : t;
    }

    public int replyCode() {
        return replyCode;
    }

    public boolean isConnectionLevel() {
        return connectionLevel;
    }

    public int classId() {
        return classId;
    }

    public int methodId() {
        return methodId;
    }
}
