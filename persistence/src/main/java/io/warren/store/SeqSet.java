package io.warren.store;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * A set of sequence numbers within one segment: a bit per seq counted from the segment's first seq, which costs
 * about 2 KiB for a 16 MiB segment of 1 KiB records. Far outliers (very sparse numbering) go to a hash set so a
 * huge gap cannot make the bitmap huge.
 */
final class SeqSet {
    private static final long MAX_BIT = 1L << 22;

    private long base = -1;
    private BitSet bits;
    private Set<Long> far;
    private int size;

    /** Adds the seq; true if it was not there yet. The first seq added (or {@link #baseAt}) anchors the bitmap. */
    boolean add(long seq) {
        if (bits == null) {
            bits = new BitSet();
            if (base < 0) {
                base = seq;
            }
        }
        long offset = seq - base;
        boolean added;
        if (offset >= 0 && offset < MAX_BIT) {
            added = !bits.get((int) offset);
            if (added) {
                bits.set((int) offset);
            }
        } else {
            if (far == null) {
                far = new HashSet<>();
            }
            added = far.add(seq);
        }
        if (added) {
            size++;
        }
        return added;
    }

    /** Anchors the bitmap at the segment's first seq before anything is added. */
    void baseAt(long firstSeq) {
        if (bits == null && firstSeq >= 0) {
            base = firstSeq;
        }
    }

    boolean contains(long seq) {
        if (bits == null) {
            return false;
        }
        long offset = seq - base;
        if (offset >= 0 && offset < MAX_BIT) {
            return bits.get((int) offset);
        }
        return far != null && far.contains(seq);
    }

    int size() {
        return size;
    }
}
