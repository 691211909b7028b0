package io.warren.codec.frame;

/** Emitted once by {@link FrameDecoder} when the client's "AMQP 0 0 9 1" protocol header arrives. */
public final class ProtocolHeaderReceived {
    public static final ProtocolHeaderReceived INSTANCE = new ProtocolHeaderReceived();

    private ProtocolHeaderReceived() {
    }

    @Override
    public String toString() {
        return "ProtocolHeaderReceived";
    }
}
