package dev.postern.agent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The environment the agent hands on to the entrypoint, and through it to every session: its own, without
 * the agent's configuration. {@code POSTERN_*} variables (the join token above all) are the agent's, not the
 * app's, and a session of any member, root or not, could read them with {@code env} or in
 * {@code /proc/PID/environ} of the entrypoint. Variables the launcher script set for the JVM alone (listed by
 * name in {@value #LAUNCHER_ADDED}, e.g. {@code MALLOC_ARENA_MAX} when the operator had not set it) would
 * change how the app runs, so they go too.
 *
 * <p>This is the one place the filter is applied: {@link AgentConfig} passes every environment through it, and
 * both the entrypoint and the sessions start from {@link AgentConfig#environment()}.
 */
final class ChildEnvironment {
    /** Names of the variables the launcher added, separated by spaces (set by the {@code postern} script). */
    static final String LAUNCHER_ADDED = "POSTERN_LAUNCHER_ENV";
    private static final String AGENT_PREFIX = "POSTERN_";

    private ChildEnvironment() {
    }

    static Map<String, String> of(Map<String, String> agentEnvironment) {
        Set<String> launcherAdded = new HashSet<>(
                Arrays.asList(agentEnvironment.getOrDefault(LAUNCHER_ADDED, "").trim().split("\\s+")));
        Map<String, String> env = new HashMap<>(agentEnvironment);
        env.keySet().removeIf(name -> name.startsWith(AGENT_PREFIX) || launcherAdded.contains(name));
        return Map.copyOf(env);
    }
}
