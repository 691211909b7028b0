package io.warren.routing;

import java.util.Map;

/** The x-match modes of a headers binding. */
enum XMatch {
    ALL("all", false, false),
    ANY("any", true, false),
    ALL_WITH_X("all-with-x", false, true),
    ANY_WITH_X("any-with-x", true, true);

    static final String ARGUMENT = "x-match";

    private final String value;
    private final boolean any;
    private final boolean countsXArguments;

    XMatch(String value, boolean any, boolean countsXArguments) {
        this.value = value;
        this.any = any;
        this.countsXArguments = countsXArguments;
    }

    boolean any() {
        return any;
    }

    boolean countsXArguments() {
        return countsXArguments;
    }

    /** The mode named by value, or null if it names none. */
    static XMatch named(Object value) {
        if (value instanceof CharSequence) {
            String text = value.toString();
            for (XMatch mode : values()) {
                if (mode.value.equals(text)) {
                    return mode;
                }
            }
        }
        return null;
    }

    /** The binding's mode; anything unrecognised means "all", as RabbitMQ does for legacy bindings. */
    static XMatch of(Map<String, Object> arguments) {
        XMatch mode = named(arguments.get(ARGUMENT));
        return mode == null ? ALL : mode;
    }
}
