package io.warren.management.http;

import io.warren.broker.admin.AccessAdmin;
import io.warren.broker.admin.UserView;
import io.warren.management.api.Authorizer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP basic authentication against the broker's users; only users with a management tag get in. */
public final class BasicAuth {
    private final AccessAdmin access;

    public BasicAuth(AccessAdmin access) {
        this.access = access;
    }

    /** The user the Authorization header proves, or a 401 ApiException. */
    public UserView authenticate(String header, InetAddress peer) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw ApiException.unauthorized("Login failed");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthorized("Login failed");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw ApiException.unauthorized("Login failed");
        }
        String name = decoded.substring(0, colon);
        UserView u = access.authenticate(name, decoded.substring(colon + 1));
        if (u == null) {
            throw ApiException.unauthorized("Login failed");
        }
        if (!access.allowsLoginFrom(u.name(), peer)) {
            throw ApiException.unauthorized("User can only log in via localhost");
        }
        if (!Authorizer.mayUseManagement(u)) {
            throw ApiException.unauthorized("Not management user");
        }
        return u;
    }
}
