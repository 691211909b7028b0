package io.warren.management.api;

import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.management.http.ApiException;
import io.warren.management.json.ConnectionJson;
import io.warren.management.json.QueueJson;
import io.warren.management.metrics.RateSampler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What every handler needs: the broker's admin facade, the authorizer, rates and the JSON views. */
public final class ApiContext {
    private static final long QUEUE_WAIT_SECONDS = 30;

    private final BrokerAdmin admin;
    private final Authorizer auth;
    private final RateSampler rates;
    private final QueueJson queueJson;
    private final ConnectionJson connectionJson;

    public ApiContext(BrokerAdmin admin, RateSampler rates) {
        this.admin = admin;
        this.auth = new Authorizer(admin.access());
        this.rates = rates;
        this.queueJson = new QueueJson(rates, admin.nodeName());
        this.connectionJson = new ConnectionJson(rates, admin.nodeName());
    }

    public BrokerAdmin admin() {
        return admin;
    }

    public Authorizer auth() {
        return auth;
    }

    public RateSampler rates() {
        return rates;
    }

    public QueueJson queueJson() {
        return queueJson;
    }

    public ConnectionJson connectionJson() {
        return connectionJson;
    }

    /** Waits for work handed to a queue's thread; its refusal becomes the matching HTTP error. */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(QUEUE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AdminException a) {
                throw a;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(503, "timeout", "the queue did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted", "interrupted");
        }
    }
}
