package dev.postern.agent.session;

import java.util.List;

/**
 * A login that may start processes: its passwd entry, the shell to run, and the argv prefix that switches
 * to its identity (empty when the agent already is that user).
 */
record LoginUser(PasswdEntry entry, String shell, List<String> identityPrefix) {
    LoginUser {
        identityPrefix = List.copyOf(identityPrefix);
    }
}
