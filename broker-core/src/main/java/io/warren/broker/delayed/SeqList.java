package io.warren.broker.delayed;

import java.util.Arrays;

/** A growable list of sequence numbers, unboxed: a far-log scan may move a million of them. */
final class SeqList {
    private long[] seqs = new long[64];
    private int size;

    void add(long seq) {
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        seqs[size++] = seq;
    }

    int size() {
        return size;
    }

    long get(int i) {
        return seqs[i];
    }
}
