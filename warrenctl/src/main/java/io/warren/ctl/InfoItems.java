package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns a listing offers (rabbitmqctl's "info items", e.g. queueinfoitem), each read from the API's JSON for
 * one object, and the columns shown when none are asked for.
 */
public final class InfoItems {
    private final String kind;
    private final List<String> defaults;
    private final Map<String, Function<JsonNode, JsonNode>> items = new LinkedHashMap<>();

    public InfoItems(String kind, String... defaults) {
        this.kind = kind;
        this.defaults = List.of(defaults);
    }

    /** Items that are fields of the same name in the API's JSON. */
    public InfoItems fields(String... names) {
        for (String n : names) {
            items.put(n, row -> row.get(n));
        }
        return this;
    }

    /** An item found at this JSON pointer, e.g. "/queue/name". */
    public InfoItems at(String name, String pointer) {
        items.put(name, row -> row.at(pointer));
        return this;
    }

    /** An item with the same value for every row (e.g. a binding's source is always an exchange). */
    public InfoItems constant(String name, String value) {
        items.put(name, row -> TextNode.valueOf(value));
        return this;
    }

    public InfoItems computed(String name, Function<JsonNode, JsonNode> f) {
        items.put(name, f);
        return this;
    }

    /** The columns asked for on the command line, or the defaults; a usage error names any unknown one. */
    public List<String> columns(List<String> asked) {
        if (asked.isEmpty()) {
            return defaults;
        }
        List<String> unknown = new ArrayList<>();
        for (String a : asked) {
            if (!items.containsKey(a)) {
                unknown.add(a);
            }
        }
        if (!unknown.isEmpty()) {
            throw CtlException.usage("info item(s) " + String.join(", ", unknown) + " not supported for " + kind
                    + ". Valid items are: " + String.join(", ", items.keySet()));
        }
        return asked;
    }

    public JsonNode value(String item, JsonNode row) {
        JsonNode v = items.get(item).apply(row);
        return v == null || v.isMissingNode() ? null : v;
    }

    public Iterable<String> names() {
        return items.keySet();
    }
}
