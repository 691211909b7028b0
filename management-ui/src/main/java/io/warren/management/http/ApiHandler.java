package io.warren.management.http;

/** Handles the requests of one route. Runs on the API's worker threads, never on a broker thread. */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
