package io.warren.cluster.state;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Who applies this node's own changes to its memory: the client's call that made it (it goes on to change memory
 * itself once the change is committed), or, when that call gave up waiting, the state machine, like a change from
 * another node. Without this, a change committed after its caller timed out would be in every store but missing
 * from its own node's memory.
 */
public final class Claims {
    private enum State { WAITING, CALLER_APPLIES, ABANDONED }

    private final ConcurrentMap<Long, State> claims = new ConcurrentHashMap<>();

    /** A caller waits for its change. */
    public void waiting(long request) {
        claims.put(request, State.WAITING);
    }

    /** The caller was told its change is committed: it applies it. */
    public void callerApplies(long request) {
        claims.computeIfPresent(request, (k, v) -> State.CALLER_APPLIES);
    }

    /** The caller gives up; false when too late: the change was applied meanwhile, and so succeeded. */
    public boolean abandon(long request) {
        return claims.replace(request, State.WAITING, State.ABANDONED) || claims.get(request) == State.ABANDONED;
    }

    /** The caller's change was refused: nothing to apply. */
    public void forget(long request) {
        claims.remove(request);
    }

    /** The state machine applied this node's change: whether it must also apply it to memory. */
    public boolean stateMachineApplies(long request) {
        State s = claims.remove(request);
        return s == null || s == State.ABANDONED;
    }
}
