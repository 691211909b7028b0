package io.warren.broker.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackUsersTest {
    private final LoopbackUsers policy = new LoopbackUsers(Set.of("guest"));

    @Test
    void guestMayLogInFromLoopbackOnly() throws Exception {
        assertTrue(policy.allows("guest", InetAddress.getByName("127.0.0.1")));
        assertTrue(policy.allows("guest", InetAddress.getByName("::1")));
        assertFalse(policy.allows("guest", InetAddress.getByName("10.1.2.3")));
        assertFalse(policy.allows("guest", InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void otherUsersMayLogInFromAnywhere() throws Exception {
        assertTrue(policy.allows("alice", InetAddress.getByName("10.1.2.3")));
    }
}
