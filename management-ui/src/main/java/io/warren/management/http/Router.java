package io.warren.management.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps a method and a path to a handler. Patterns are paths whose {named} segments capture one decoded segment,
 * e.g. {@code /api/queues/{vhost}/{name}}.
 */
public final class Router {
    private record Route(String method, String[] parts, ApiHandler handler, boolean largeBody) {
    }

    /**
     * A matched route: its handler, the captured path parameters, and whether it takes bodies past
     * {@link HttpLimits#SMALL_BODY}.
     */
    public record Match(ApiHandler handler, Map<String, String> params, boolean largeBody) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, ApiHandler handler) {
        return add(method, pattern, handler, false);
    }

    /** A route whose bodies may be as large as the server's largest (definitions files, published messages). */
    public Router addLargeBody(String method, String pattern, ApiHandler handler) {
        return add(method, pattern, handler, true);
    }

    private Router add(String method, String pattern, ApiHandler handler, boolean largeBody) {
        String p = pattern.startsWith("/") ? pattern.substring(1) : pattern;
        routes.add(new Route(method, p.split("/"), handler, largeBody));
        return this;
    }

    /**
     * The handler for the request; null when no route has this path. A path that exists under other methods
     * throws 405.
     */
    public Match match(String method, List<String> segments) {
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = matchPath(r.parts, segments);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r.handler, params, r.largeBody);
            }
            allowed.add(r.method);
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(405, "method_not_allowed", "method " + method + " not allowed; use " + allowed);
        }
        return null;
    }

    private static Map<String, String> matchPath(String[] parts, List<String> segments) {
        if (parts.length != segments.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String seg = segments.get(i);
            if (part.startsWith("{") && part.endsWith("}")) {
                params.put(part.substring(1, part.length() - 1), seg);
            } else if (!part.equals(seg)) {
                return null;
            }
        }
        return params;
    }
}
