package io.warren.store.definitions;

/** The definitions database could not be opened, read or written; the cause says why. */
public final class DefinitionStoreException extends RuntimeException {
    public DefinitionStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public DefinitionStoreException(String message) {
        super(message);
    }
}
