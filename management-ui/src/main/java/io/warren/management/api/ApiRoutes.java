package io.warren.management.api;

import io.warren.management.http.Router;

/** Every route of the management API, one handler class per resource. */
public final class ApiRoutes {
    private ApiRoutes() {
    }

    public static Router create(ApiContext ctx) {
        Router r = new Router();
        new OverviewHandler(ctx).register(r);
        new NodesHandler(ctx).register(r);
        new ClusterHandler(ctx).register(r);
        new VhostsHandler(ctx).register(r);
        new UsersHandler(ctx).register(r);
        new PermissionsHandler(ctx).register(r);
        new ExchangesHandler(ctx).register(r);
        new PublishHandler(ctx).register(r);
        new QueuesHandler(ctx).register(r);
        new QuorumReplicasHandler(ctx).register(r);
        new QueueMessagesHandler(ctx).register(r);
        new BindingsHandler(ctx).register(r);
        new SuperStreamsHandler(ctx).register(r);
        new ConnectionsHandler(ctx).register(r);
        new PoliciesHandler(ctx).register(r);
        new LimitsHandler(ctx).register(r);
        new TopicPermissionsHandler(ctx).register(r);
        new ParametersHandler(ctx).register(r);
        new DefinitionsHandler(ctx).register(r);
        new HealthHandler(ctx).register(r);
        return r;
    }
}
