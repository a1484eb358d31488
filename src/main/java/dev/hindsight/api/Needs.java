package dev.hindsight.api;

import dev.hindsight.control.Role;
import io.javalin.security.RouteRole;

/** The least a route asks of the caller's token: nothing (the API document), or a role. */
enum Needs implements RouteRole {
    NOTHING(null), READER(Role.READER), OPERATOR(Role.OPERATOR), ADMIN(Role.ADMIN);

    private final Role role;

    Needs(Role role) {
        this.role = role;
    }

    /** Null for a route anyone may call. */
    Role role() {
        return role;
    }
}
