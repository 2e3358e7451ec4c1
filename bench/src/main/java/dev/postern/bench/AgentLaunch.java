package dev.postern.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the harness starts a Postern agent: by default through the {@code postern} launcher at the repository root,
 * so the agent runs with exactly the JVM flags (class-data-sharing archive, heap, collector) and environment
 * (MALLOC_ARENA_MAX) a user's {@code ./postern agent} gets; with POSTERN_AGENT_JAVA_OPTS set, as
 * {@code java <those flags> -jar postern-cli.jar agent} instead, to try other flags. With --jfr the recording
 * flag goes in through JDK_JAVA_OPTIONS, which the {@code java} launcher adds to any command line.
 *
 * @param command the command line
 * @param env variables added to the harness's environment
 */
record AgentLaunch(List<String> command, Map<String, String> env) {
    AgentLaunch {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    static AgentLaunch of(Options options, String name, List<String> agentArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        List<String> jfr = Rig.jfr(options, name);
        if (options.agentJavaOpts().isPresent()) {
            cmd.add(Rig.java());
            cmd.addAll(options.agentJavaOpts().get());
            cmd.addAll(jfr);
            cmd.addAll(List.of("-jar", options.cliJar().toString()));
        } else {
            cmd.add(options.launcher().toString());
            if (!jfr.isEmpty()) {
                env.put("JDK_JAVA_OPTIONS", String.join(" ", jfr));
            }
        }
        cmd.add("agent");
        cmd.addAll(agentArgs);
        return new AgentLaunch(cmd, env);
    }
}
