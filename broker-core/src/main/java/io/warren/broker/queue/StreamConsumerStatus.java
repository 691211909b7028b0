package io.warren.broker.queue;

/**
 * Where one consumer of a stream is.
 *
 * @param tag                 its consumer tag
 * @param offset              the next offset it reads (-1 while it waits its turn in a group and has not read yet)
 * @param lastDeliveredOffset the offset of the last message it was handed (-1 when none yet)
 * @param storedOffset        the offset it resumes at when it comes back, stored by automatic offset tracking (-1
 *                            when its offset is not tracked)
 * @param group               its consumer group ("" for the stream-wide group of an x-single-active-consumer stream),
 *                            or null when it reads on its own
 * @param lag                 the stream's messages from its offset to the last offset, which it has not read yet (0
 *                            when it is caught up; -1 while offset is unknown)
 */
public record StreamConsumerStatus(String tag, long offset, long lastDeliveredOffset, long storedOffset, String group,
                                   long lag) {
    /** The lag of a consumer at offset on a stream whose offsets run from first to last. */
    public static long lag(long offset, long first, long last) {
        if (offset < 0) {
            return -1;
        }
        return Math.max(0, last + 1 - Math.max(offset, first));
    }
}
