package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.InfoItems;
import java.util.List;

/** list_queues, list_exchanges, list_bindings, list_connections, list_consumers: rabbitmqctl's info items. */
public final class ListCommands {
    static final InfoItems QUEUES = new InfoItems("queues", "name", "messages")
            .fields("name", "vhost", "durable", "auto_delete", "exclusive", "arguments", "policy", "type", "node",
                    "state", "consumers", "messages", "messages_ready", "messages_unacknowledged",
                    "message_bytes_ready", "effective_policy_definition");
    static final InfoItems EXCHANGES = new InfoItems("exchanges", "name", "type")
            .fields("name", "vhost", "type", "durable", "auto_delete", "internal", "arguments", "policy");
    static final InfoItems BINDINGS = new InfoItems("bindings", "source_name", "source_kind", "destination_name",
            "destination_kind", "routing_key", "arguments")
            .at("source_name", "/source").constant("source_kind", "exchange")
            .at("destination_name", "/destination").at("destination_kind", "/destination_type")
            .fields("routing_key", "arguments", "vhost", "properties_key");
    static final InfoItems CONNECTIONS = new InfoItems("connections", "user", "peer_host", "peer_port", "state")
            // rabbitmqctl's pid is what close_connection takes; here that is the connection's name
            .at("pid", "/name")
            .fields("name", "user", "vhost", "host", "port", "peer_host", "peer_port", "state", "channels",
                    "protocol", "auth_mechanism", "ssl", "ssl_protocol", "ssl_cipher", "peer_cert_subject",
                    "peer_cert_issuer", "timeout", "frame_max", "channel_max", "client_properties", "connected_at",
                    "node", "type");
    static final InfoItems CONSUMERS = new InfoItems("consumers", "queue_name", "channel_pid", "consumer_tag",
            "ack_required", "prefetch_count", "active", "activity_status", "arguments")
            .at("queue_name", "/queue/name").at("channel_pid", "/channel_details/name")
            .at("connection_name", "/channel_details/connection_name").at("user", "/channel_details/user")
            .at("vhost", "/queue/vhost")
            .fields("consumer_tag", "ack_required", "prefetch_count", "active", "activity_status", "exclusive",
                    "arguments");

    private ListCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("list_queues",
                        "list_queues [-p vhost] [--online|--offline|--local] [queueinfoitem ...]",
                        "Lists queues and their properties (default items: name messages). On one node every"
                                + " queue is online and local: --offline lists none.", 0, -1,
                        ListCommands::listQueues, "online", "offline", "local"),
                CommandSpec.of("list_exchanges", "list_exchanges [-p vhost] [exchangeinfoitem ...]",
                        "Lists exchanges (default items: name type).", 0, -1,
                        ctx -> list(ctx, EXCHANGES, "/api/exchanges/" + seg(ctx.vhost()),
                                "Listing exchanges for vhost " + ctx.vhost() + " ...")),
                CommandSpec.of("list_bindings", "list_bindings [-p vhost] [bindinginfoitem ...]",
                        "Lists bindings (default items: source_name source_kind destination_name destination_kind"
                                + " routing_key arguments).", 0, -1,
                        ctx -> list(ctx, BINDINGS, "/api/bindings/" + seg(ctx.vhost()),
                                "Listing bindings for vhost " + ctx.vhost() + "...")),
                CommandSpec.of("list_connections", "list_connections [-p vhost] [connectioninfoitem ...]",
                        "Lists client connections, all or with -p one vhost's (default items: user peer_host"
                                + " peer_port state; name is what close_connection takes).", 0, -1,
                        ctx -> list(ctx, CONNECTIONS, ctx.args().option("vhost") == null ? "/api/connections"
                                : "/api/vhosts/" + seg(ctx.vhost()) + "/connections", "Listing connections ...")),
                CommandSpec.of("list_consumers", "list_consumers [-p vhost] [consumerinfoitem ...]",
                        "Lists consumers (default items: queue_name channel_pid consumer_tag ack_required"
                                + " prefetch_count active activity_status arguments).", 0, -1,
                        ctx -> list(ctx, CONSUMERS, "/api/consumers/" + seg(ctx.vhost()),
                                "Listing consumers in vhost " + ctx.vhost() + " ...")));
    }

    private static int listQueues(Context ctx) {
        String banner = "Listing queues for vhost " + ctx.vhost() + " ...";
        if (ctx.args().flag("offline")) {
            List<String> columns = QUEUES.columns(ctx.args().positional());
            ctx.api().get("/api/vhosts/" + seg(ctx.vhost())); // still says so when the vhost does not exist
            ctx.out().info(banner);
            ctx.out().table(QUEUES, columns, ApiClient.JSON.createArrayNode());
            return ExitCodes.OK;
        }
        return list(ctx, QUEUES, "/api/queues/" + seg(ctx.vhost()), banner);
    }

    /** Prints a listing: the informational line, then the rows of the API's answer in the asked columns. */
    public static int list(Context ctx, InfoItems items, String path, String banner) {
        List<String> columns = items.columns(ctx.args().positional());
        JsonNode rows = ctx.api().get(path);
        if (rows.isObject() && rows.has("items")) {
            rows = rows.get("items"); // a paginated answer
        }
        if (!rows.isArray()) {
            throw new CtlException(ExitCodes.SOFTWARE, path + " did not answer with a list");
        }
        ctx.out().info(banner);
        ctx.out().table(items, columns, rows);
        return ExitCodes.OK;
    }
}
