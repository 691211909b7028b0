package io.warren.routing;

import java.util.Arrays;
import java.util.Set;

/**
 * A copy-on-write set of destinations, reference-counted by the bindings that put them there.
 *
 * <p>Readers see an immutable array published through a volatile field, so {@link #addTo} needs
 * no lock and allocates nothing. Writers (serialised by the router's lock) pay a copy per change,
 * which is cheap for the handful of destinations a key or trie node usually has.
 */
final class DestinationSet<D> {
    private static final Object[] NONE = new Object[0];

    private volatile Object[] members = NONE;
    // Writer-only, parallel to members: how many bindings hold each destination here.
    private int[] counts = new int[0];

    /** Counts one more binding to destination; returns true if it was not a member before. */
    boolean add(D destination) {
        Object[] current = members;
        int i = indexOf(current, destination);
        if (i >= 0) {
            counts[i]++;
            return false;
        }
        Object[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = destination;
        int[] grownCounts = Arrays.copyOf(counts, counts.length + 1);
        grownCounts[counts.length] = 1;
        counts = grownCounts;
        members = grown;
        return true;
    }

    /** Counts one binding fewer to destination; returns true if that removed it. */
    boolean remove(D destination) {
        Object[] current = members;
        int i = indexOf(current, destination);
        if (i < 0) {
            return false;
        }
        if (--counts[i] > 0) {
            return false;
        }
        members = without(current, i);
        counts = without(counts, i);
        return true;
    }

    boolean isEmpty() {
        return members.length == 0;
    }

    @SuppressWarnings("unchecked")
    void addTo(Set<? super D> out) {
        Object[] snapshot = members;
        for (Object member : snapshot) {
            out.add((D) member);
        }
    }

    private static int indexOf(Object[] array, Object destination) {
        for (int i = 0; i < array.length; i++) {
            if (array[i].equals(destination)) {
                return i;
            }
        }
        return -1;
    }

    private static Object[] without(Object[] array, int index) {
        Object[] shrunk = new Object[array.length - 1];
        System.arraycopy(array, 0, shrunk, 0, index);
        System.arraycopy(array, index + 1, shrunk, index, array.length - index - 1);
        return shrunk;
    }

    private static int[] without(int[] array, int index) {
        int[] shrunk = new int[array.length - 1];
        System.arraycopy(array, 0, shrunk, 0, index);
        System.arraycopy(array, index + 1, shrunk, index, array.length - index - 1);
        return shrunk;
    }
}
