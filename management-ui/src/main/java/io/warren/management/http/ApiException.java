package io.warren.management.http;

/** A request the API refuses: the HTTP status and RabbitMQ's error and reason fields. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String reason) {
        super(reason);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String reason) {
        return new ApiException(400, "bad_request", reason);
    }

    public static ApiException notFound(String reason) {
        return new ApiException(404, "Object Not Found", reason);
    }

    public static ApiException forbidden(String reason) {
        return new ApiException(403, "not_authorised", reason);
    }

    public static ApiException unauthorized(String reason) {
        return new ApiException(401, "not_authorised", reason);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String reason() {
        return getMessage();
    }
}
