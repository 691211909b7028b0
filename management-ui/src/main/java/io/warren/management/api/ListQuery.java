package io.warren.management.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The list query parameters of RabbitMQ's API: pagination ({@code page}, {@code page_size} up to 500, {@code name}
 * as a substring or, with {@code use_regex=true}, a regular expression), {@code sort}, {@code sort_reverse} and
 * {@code columns} (dotted paths allowed). Without a page the whole listing is streamed as a JSON array, one item
 * rendered at a time, so no listing is ever held in memory as JSON.
 */
final class ListQuery {
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 500;

    private final Integer page;
    private final int pageSize;
    private final Predicate<String> name;
    private final String sort;
    private final boolean sortReverse;
    private final List<String[]> columns;

    private ListQuery(Integer page, int pageSize, Predicate<String> name, String sort, boolean sortReverse,
                      List<String[]> columns) {
        this.page = page;
        this.pageSize = pageSize;
        this.name = name;
        this.sort = sort;
        this.sortReverse = sortReverse;
        this.columns = columns;
    }

    /** The request's list parameters; a malformed one is a 400 that says which and why. */
    static ListQuery of(ApiRequest req) {
        boolean paged = req.queryParam("page") != null || "true".equals(req.queryParam("pagination"));
        Integer page = paged ? positive(req, "page", 1) : null;
        int pageSize = positive(req, "page_size", DEFAULT_PAGE_SIZE);
        if (pageSize > MAX_PAGE_SIZE) {
            throw ApiException.badRequest("page_size must be at most " + MAX_PAGE_SIZE + ", got " + pageSize);
        }
        String filter = req.queryParam("name");
        Predicate<String> name = filter == null || filter.isEmpty() ? null
                : NameFilter.of(filter, "true".equals(req.queryParam("use_regex")));
        String sort = req.queryParam("sort");
        String columns = req.queryParam("columns");
        List<String[]> cols = columns == null || columns.isEmpty() ? null
                : Arrays.stream(columns.split(",")).map(String::trim).filter(c -> !c.isEmpty())
                        .map(c -> c.split("\\.")).toList();
        return new ListQuery(page, pageSize, name, sort == null || sort.isEmpty() ? null : sort,
                "true".equals(req.queryParam("sort_reverse")), cols);
    }

    private static int positive(ApiRequest req, String param, int dflt) {
        String v = req.queryParam(param);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest(param + " must be a positive integer, got '" + v + "'");
    }

    /** Answers a listing of JSON objects already built (small listings). */
    static ApiResponse respond(ApiRequest req, List<Map<String, Object>> items) {
        return of(req).respond(items, m -> m.get("name") instanceof String s ? s : "", Function.identity());
    }

    /**
     * Answers a listing: items are filtered by name (nameOf, no JSON needed), sorted, then paged or streamed;
     * toJson renders one item and is called only for the items that are sent (and once per item to sort by a field
     * other than the name).
     */
    <T> ApiResponse respond(List<T> items, Function<T, String> nameOf, Function<T, Map<String, Object>> toJson) {
        List<T> selected = name == null ? items : items.stream().filter(t -> name.test(nameOf.apply(t))).toList();
        if (sort != null) {
            selected = sorted(selected, nameOf, toJson);
        }
        if (page == null) {
            List<T> all = selected;
            return ApiResponse.streamed("application/json", out -> {
                try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
                    g.writeStartArray();
                    for (T t : all) {
                        g.writeObject(select(toJson.apply(t)));
                    }
                    g.writeEndArray();
                }
            });
        }
        int pageCount = (selected.size() + pageSize - 1) / pageSize;
        if (page > Math.max(pageCount, 1)) {
            throw ApiException.badRequest("page " + page + " is out of range: there are " + pageCount
                    + " pages of " + pageSize);
        }
        int from = (page - 1) * pageSize;
        List<Map<String, Object>> pageItems = new ArrayList<>();
        for (T t : selected.subList(from, Math.min(selected.size(), from + pageSize))) {
            pageItems.add(select(toJson.apply(t)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filtered_count", selected.size());
        out.put("item_count", pageItems.size());
        out.put("items", pageItems);
        out.put("page", page);
        out.put("page_count", pageCount);
        out.put("page_size", pageSize);
        out.put("total_count", items.size());
        return ApiResponse.ok(out);
    }

    private <T> List<T> sorted(List<T> items, Function<T, String> nameOf, Function<T, Map<String, Object>> toJson) {
        // one key per item computed up front: the JSON of an item is built once and dropped, never all at once
        record Keyed<T>(String key, T item) {
        }
        List<Keyed<T>> keyed = new ArrayList<>(items.size());
        for (T t : items) {
            keyed.add(new Keyed<>("name".equals(sort) ? nameOf.apply(t) : sortKey(lookup(toJson.apply(t), sort)), t));
        }
        Comparator<Keyed<T>> c = Comparator.comparing(Keyed::key);
        keyed.sort(sortReverse ? c.reversed() : c);
        return keyed.stream().map(Keyed::item).toList();
    }

    private Map<String, Object> select(Map<String, Object> m) {
        if (columns == null) {
            return m;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        for (String[] col : columns) {
            copy(m, f, col, 0);
        }
        return f;
    }

    private static Object lookup(Map<String, Object> m, String path) {
        Object cur = m;
        for (String p : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> map)) {
                return null;
            }
            cur = map.get(p);
        }
        return cur;
    }

    private static String sortKey(Object v) {
        // numbers zero-padded so they sort by value; nulls first; enough for sorting a listing
        return v == null ? "" : v instanceof Number n ? String.format("%030.6f", n.doubleValue()) : v.toString();
    }

    @SuppressWarnings("unchecked")
    private static void copy(Map<String, Object> from, Map<String, Object> to, String[] path, int i) {
        if (!from.containsKey(path[i])) {
            return;
        }
        Object v = from.get(path[i]);
        if (i == path.length - 1) {
            to.put(path[i], v);
        } else if (v instanceof Map<?, ?> sub) {
            Map<String, Object> target = (Map<String, Object>) to.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
            copy((Map<String, Object>) sub, target, path, i + 1);
        }
    }
}
