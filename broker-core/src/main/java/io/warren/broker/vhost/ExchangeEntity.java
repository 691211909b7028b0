package io.warren.broker.vhost;

import io.warren.broker.delayed.DelayedMessages;
import io.warren.broker.policy.EffectiveArguments;
import io.warren.broker.policy.Policy;
import io.warren.routing.Router;
import java.util.Map;

/** A declared exchange: its declaration and the router holding its bindings. */
public final class ExchangeEntity implements Destination {
    private final String name;
    private final String type;
    private final boolean durable;
    private final boolean autoDelete;
    private final boolean internal;
    private final Map<String, Object> arguments;
    private final Router<Destination> router;
    private volatile String alternateExchange;
    private volatile Policy policy;
    private volatile boolean hadBindings;
    /** The messages a delayed exchange holds; null for every other type. */
    private volatile DelayedMessages delayed;

    /** @throws IllegalArgumentException when the type's arguments are unusable (the message is for the client) */
    public ExchangeEntity(String name, String type, boolean durable, boolean autoDelete, boolean internal,
                          Map<String, Object> arguments) {
        this.name = name;
        this.type = type;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.internal = internal;
        this.arguments = arguments;
        this.router = ExchangeTypes.router(type, arguments);
        this.alternateExchange = EffectiveArguments.alternateExchange(arguments, null);
    }

    @Override
    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public boolean durable() {
        return durable;
    }

    public boolean autoDelete() {
        return autoDelete;
    }

    public boolean internal() {
        return internal;
    }

    public Map<String, Object> arguments() {
        return arguments;
    }

    public Router<Destination> router() {
        return router;
    }

    /** Name of the exchange that takes messages this one cannot route (its argument's, else its policy's), or null. */
    public String alternateExchange() {
        return alternateExchange;
    }

    /** The policy in effect, or null. */
    public Policy policy() {
        return policy;
    }

    /** Puts a policy (or none) in effect: it may give the exchange an alternate exchange. */
    void applyPolicy(Policy p) {
        this.policy = p;
        this.alternateExchange = EffectiveArguments.alternateExchange(arguments, p);
    }

    /** The type that routes: the declared one, or for x-delayed-message its x-delayed-type. */
    public String routingType() {
        return ExchangeTypes.routingType(type, arguments);
    }

    /** The messages this exchange holds back until due; null unless it is of type x-delayed-message. */
    public DelayedMessages delayed() {
        return delayed;
    }

    void holdDelayedIn(DelayedMessages messages) {
        this.delayed = messages;
    }

    public boolean isDefault() {
        return name.isEmpty();
    }

    void noteBound() {
        hadBindings = true;
    }

    boolean hadBindings() {
        return hadBindings;
    }

    @Override
    public String toString() {
        return "exchange '" + name + "'";
    }
}
