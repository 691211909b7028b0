package io.warren.ctl;

import java.io.InputStream;
import java.time.Duration;

/** What a command runs with: its arguments, where it prints, and the broker's API (opened when first used). */
public final class Context {
    private final Args args;
    private final Output out;
    private final InputStream in;
    private ApiClient api;

    Context(Args args, Output out, InputStream in) {
        this.args = args;
        this.out = out;
        this.in = in;
    }

    public Args args() {
        return args;
    }

    public Output out() {
        return out;
    }

    public InputStream in() {
        return in;
    }

    public String vhost() {
        return args.vhost();
    }

    public String arg(int i) {
        return args.positional(i);
    }

    /** The API client, with --timeout (default: none, as rabbitmqctl) as each request's limit. */
    public ApiClient api() {
        if (api == null) {
            double t = args.timeoutSeconds(Double.POSITIVE_INFINITY);
            api = client(Double.isInfinite(t) ? null : Duration.ofMillis(Math.round(t * 1000)));
        }
        return api;
    }

    /** A client with a request limit of its own (await_startup's polls). */
    public ApiClient client(Duration timeout) {
        return new ApiClient(Target.from(args), timeout);
    }
}
