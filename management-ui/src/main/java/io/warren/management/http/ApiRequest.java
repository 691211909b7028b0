package io.warren.management.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.UserView;
import io.warren.management.json.Json;
import java.util.List;
import java.util.Map;

/**
 * One API request after routing and authentication: the method, the path's named parts (decoded), the query,
 * the body and the authenticated user.
 */
public record ApiRequest(String method, Map<String, String> params, Map<String, List<String>> query, byte[] body,
                         UserView user, Map<String, String> headers) {

    /** A path parameter the route guarantees. */
    public String param(String name) {
        return params.get(name);
    }

    public boolean hasParam(String name) {
        return params.containsKey(name);
    }

    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The body as a JSON object; an empty body is an empty object; anything else is a 400 with the reason. */
    public JsonNode json() {
        return Json.parseObject(body);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
