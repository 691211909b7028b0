package io.warren.management.http;

import java.util.Map;

/**
 * What a handler answers: a status, and a JSON body (any Jackson-serialisable value), raw bytes, a body written
 * as it is produced (streamed in chunks), or nothing.
 */
public record ApiResponse(int status, Object json, byte[] raw, String contentType, Map<String, String> headers,
                          StreamedBody stream) {

    public ApiResponse(int status, Object json, byte[] raw, String contentType, Map<String, String> headers) {
        this(status, json, raw, contentType, headers, null);
    }

    public static ApiResponse ok(Object json) {
        return new ApiResponse(200, json, null, null, Map.of());
    }

    public static ApiResponse created() {
        return new ApiResponse(201, null, null, null, Map.of());
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, null, null, Map.of());
    }

    /** 201 for something new, 204 for something replaced, as RabbitMQ answers a PUT. */
    public static ApiResponse createdOrUpdated(boolean created) {
        return created ? created() : noContent();
    }

    public static ApiResponse raw(int status, byte[] bytes, String contentType) {
        return new ApiResponse(status, null, bytes, contentType, Map.of());
    }

    /** A 200 whose body is written as it is produced, in chunks, so its size never has to fit in memory. */
    public static ApiResponse streamed(String contentType, StreamedBody body) {
        return new ApiResponse(200, null, null, contentType, Map.of(), body);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, json, raw, contentType, h, stream);
    }
}
