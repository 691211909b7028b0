package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The management HTTP API of one broker, with basic auth. Turns every failure into a {@link CtlException} whose
 * exit code says what kind of failure it was (cannot connect, refused login, not found, ...).
 */
public final class ApiClient {
    /** The JSON mapper every command shares. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final Target target;
    private final Duration timeout;
    private final HttpClient http;

    /** A client whose requests give up after this long (null: wait as long as it takes, as rabbitmqctl does). */
    public ApiClient(Target target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
        Duration connect = Duration.ofSeconds(10);
        if (timeout != null && timeout.compareTo(connect) < 0) {
            connect = timeout;
        }
        this.http = HttpClient.newBuilder().connectTimeout(connect).build();
    }

    public Target target() {
        return target;
    }

    /** One path segment as the API wants it: "/" as %2F, spaces as %20. */
    public static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body, null);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** DELETE with a JSON body (RabbitMQ's replicas/delete takes the node in one). */
    public JsonNode deleteWithBody(String path, Object body) {
        return send("DELETE", path, body, null);
    }

    /** DELETE with RabbitMQ's X-Reason header, which a connection close passes on to the client. */
    public JsonNode delete(String path, String reason) {
        return send("DELETE", path, null, reason);
    }

    private JsonNode send(String method, String path, Object body, String reason) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(target.url() + path));
        } catch (IllegalArgumentException e) {
            throw CtlException.usage("not a valid URL: " + target.url() + path);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (reason != null) {
            b.header("X-Reason", reason);
        }
        if (timeout != null) {
            b.timeout(timeout);
        }
        b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (target.username() + ":" + target.password()).getBytes(StandardCharsets.UTF_8)));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new CtlException(ExitCodes.TEMP_FAIL, "no answer from " + target.url() + " within "
                    + timeout.toMillis() / 1000.0 + " seconds (see --timeout)");
        } catch (ConnectException e) {
            throw unavailable("connection refused");
        } catch (IOException e) {
            throw unavailable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtlException(ExitCodes.SOFTWARE, "interrupted");
        }
        return answer(method, path, r);
    }

    private CtlException unavailable(String why) {
        return new CtlException(ExitCodes.UNAVAILABLE, "cannot reach the broker's management API at " + target.url()
                + ": " + why + ". Is the broker running, with its HTTP listener there? (see --url, --config)");
    }

    private JsonNode answer(String method, String path, HttpResponse<byte[]> r) {
        int status = r.statusCode();
        JsonNode json = null;
        if (r.body().length > 0) {
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                if (status < 300) {
                    throw new CtlException(ExitCodes.SOFTWARE, method + " " + path + " answered " + status
                            + " with a body that is not JSON: is " + target.url() + " a Warren or RabbitMQ management"
                            + " listener?");
                }
            }
        }
        if (status < 300) {
            return json == null ? JSON.nullNode() : json;
        }
        String reason = json != null && json.hasNonNull("reason") ? json.get("reason").asText()
                : new String(r.body(), StandardCharsets.UTF_8).strip();
        throw new ApiError(status, exitCode(status), describe(status, reason));
    }

    private String describe(int status, String reason) {
        if (status == 401) {
            return "the broker at " + target.url() + " refused the login of user '" + target.username() + "'"
                    + (reason.isEmpty() ? "" : " (" + reason + ")")
                    + ": check --username/--password, or ctl-username/ctl-password in the --config file";
        }
        if (status == 403) {
            return "user '" + target.username() + "' may not do this: " + reason;
        }
        return reason.isEmpty() ? "the broker answered HTTP " + status : reason;
    }

    private static int exitCode(int status) {
        if (status == 401 || status == 403) {
            return ExitCodes.NO_PERMISSION;
        }
        if (status == 408) {
            return ExitCodes.TEMP_FAIL;
        }
        if (status == 503) {
            return ExitCodes.UNAVAILABLE;
        }
        return status < 500 ? ExitCodes.DATA_ERROR : ExitCodes.SOFTWARE;
    }

    private static byte[] bytes(Object body) {
        try {
            return body instanceof byte[] raw ? raw : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new CtlException(ExitCodes.SOFTWARE, "cannot write the request: " + e.getMessage());
        }
    }

    /** The broker refused a request: the HTTP status, for commands that treat some statuses their own way. */
    public static final class ApiError extends CtlException {
        private final int status;

        ApiError(int status, int exitCode, String message) {
            super(exitCode, message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
