package io.warren.management.api;

import io.warren.management.http.ApiRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The list query parameters of RabbitMQ's API: columns (dotted paths allowed), sort and sort_reverse. */
final class ListQuery {
    private ListQuery() {
    }

    static List<Map<String, Object>> apply(ApiRequest request, List<Map<String, Object>> items) {
        List<Map<String, Object>> out = new ArrayList<>(items);
        String sort = request.queryParam("sort");
        if (sort != null && !sort.isEmpty()) {
            Comparator<Map<String, Object>> c = Comparator.comparing(m -> sortKey(lookup(m, sort)));
            if ("true".equals(request.queryParam("sort_reverse"))) {
                c = c.reversed();
            }
            out.sort(c);
        }
        String columns = request.queryParam("columns");
        if (columns == null || columns.isEmpty()) {
            return out;
        }
        String[] cols = columns.split(",");
        List<Map<String, Object>> filtered = new ArrayList<>();
        for (Map<String, Object> m : out) {
            Map<String, Object> f = new LinkedHashMap<>();
            for (String col : cols) {
                copy(m, f, col.trim().split("\\."), 0);
            }
            filtered.add(f);
        }
        return filtered;
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
