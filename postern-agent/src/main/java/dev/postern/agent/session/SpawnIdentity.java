package dev.postern.agent.session;

import java.util.List;

/**
 * The user a child runs as when the agent, running as root, starts it for someone else.
 *
 * @param groups the supplementary groups, the primary gid included
 */
record SpawnIdentity(int uid, int gid, List<Integer> groups) {
    SpawnIdentity {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid " + uid + " / gid " + gid + " is negative; pass the user's ids");
        }
        groups = List.copyOf(groups);
    }
}
