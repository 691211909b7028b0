package io.warren.codec.frame;

/** A heartbeat frame; always on channel 0. */
public enum HeartbeatFrame implements Frame {
    INSTANCE;

    @Override
    public int channel() {
        return 0;
    }
}
