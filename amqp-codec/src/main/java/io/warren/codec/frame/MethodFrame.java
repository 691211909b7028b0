package io.warren.codec.frame;

import io.warren.codec.Method;

/** A method frame: a decoded method on a channel. */
public record MethodFrame(int channel, Method method) implements Frame {
}
