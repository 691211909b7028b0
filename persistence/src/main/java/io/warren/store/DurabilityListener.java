package io.warren.store;

import java.io.IOException;

/** Told once the records appended before it was registered are on disk, or that they never will be. */
public interface DurabilityListener {
    /** Every record appended before registration is fsynced. Called on the store's sync thread, or inline. */
    void durable();

    /** The fsync failed; the records may be lost. Called on the store's sync thread. */
    void failed(IOException cause);
}
