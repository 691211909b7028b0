package io.warren.codec.frame;

/** A decoded AMQP frame. */
public sealed interface Frame permits MethodFrame, ContentHeaderFrame, ContentBodyFrame, HeartbeatFrame {
    int channel();
}
