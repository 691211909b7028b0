package io.warren.cluster.quorum.bodies;

import java.util.Arrays;

/**
 * One queue's bodies in the {@link BodyLog}: msgId to segment, offset and length, in primitive arrays (open
 * addressing, linear probing) so a backlog of millions costs tens of bytes a body, not a boxed map entry.
 */
final class BodyLocations {
    private static final long FREE = Long.MIN_VALUE;

    private long[] keys;
    private long[] segments;
    private int[] offsets;
    private int[] lengths;
    private int size;

    BodyLocations() {
        allocate(8);
    }

    int size() {
        return size;
    }

    /** Index of the msgId's slot, or -1. */
    int find(long msgId) {
        int mask = keys.length - 1;
        for (int i = slot(msgId, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == msgId) {
                return i;
            }
            if (k == FREE) {
                return -1;
            }
        }
    }

    long segment(int slot) {
        return segments[slot];
    }

    int offset(int slot) {
        return offsets[slot];
    }

    int length(int slot) {
        return lengths[slot];
    }

    /** Sets where the msgId's body is (replacing an earlier place). */
    void put(long msgId, long segment, int offset, int length) {
        if ((size + 1) * 4L > keys.length * 3L) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(msgId, mask);
        while (keys[i] != FREE && keys[i] != msgId) {
            i = (i + 1) & mask;
        }
        if (keys[i] == FREE) {
            size++;
        }
        keys[i] = msgId;
        segments[i] = segment;
        offsets[i] = offset;
        lengths[i] = length;
    }

    /** Removes the slot's entry (backward-shift deletion keeps every probe chain whole). */
    void removeAt(int slot) {
        int mask = keys.length - 1;
        int gap = slot;
        for (int i = (gap + 1) & mask; keys[i] != FREE; i = (i + 1) & mask) {
            int home = slot(keys[i], mask);
            // move i into the gap unless its home lies cyclically in (gap, i]
            boolean stays = gap <= i ? home > gap && home <= i : home > gap || home <= i;
            if (!stays) {
                keys[gap] = keys[i];
                segments[gap] = segments[i];
                offsets[gap] = offsets[i];
                lengths[gap] = lengths[i];
                gap = i;
            }
        }
        keys[gap] = FREE;
        size--;
    }

    /** The msgIds, ascending. */
    long[] msgIds() {
        long[] out = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != FREE) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** Calls the visitor for every entry (which must not change the map). */
    void forEach(Visitor v) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != FREE) {
                v.entry(keys[i], segments[i], offsets[i], lengths[i]);
            }
        }
    }

    interface Visitor {
        void entry(long msgId, long segment, int offset, int length);
    }

    private void grow() {
        long[] k = keys;
        long[] s = segments;
        int[] o = offsets;
        int[] l = lengths;
        allocate(k.length * 2);
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != FREE) {
                put(k[i], s[i], o[i], l[i]);
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, FREE);
        segments = new long[capacity];
        offsets = new int[capacity];
        lengths = new int[capacity];
    }

    private static int slot(long msgId, int mask) {
        long h = msgId * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
