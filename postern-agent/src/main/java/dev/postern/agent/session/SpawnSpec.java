package dev.postern.agent.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: an executable path, its argv (argv[0] included), its complete environment and working
 * directory, and how its stdio is wired.
 *
 * @param ptySlave path of the PTY slave to open as stdin/stdout/stderr (which makes it the controlling
 *     terminal of the child's new session), or null for three pipes
 * @param inheritStdio true to leave the agent's own stdin/stdout/stderr to the child (the entrypoint)
 * @param identity the user to run the child as, or null for the agent's own
 */
record SpawnSpec(String path, List<String> argv, Map<String, String> env, String cwd, String ptySlave,
                 boolean inheritStdio, SpawnIdentity identity) {
    SpawnSpec {
        Objects.requireNonNull(path, "path");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv of " + path + " is empty; argv[0] is required");
        }
        env = Map.copyOf(env);
        Objects.requireNonNull(cwd, "cwd");
        if (ptySlave != null && inheritStdio) {
            throw new IllegalArgumentException("a child cannot both inherit stdio and use the pty " + ptySlave);
        }
    }

    /**
     * Names the environment's variables, never their values: the environment carries the app's secrets, and a
     * record's generated toString would print every one of them wherever a spec is logged or put in an error.
     */
    @Override
    public String toString() {
        return "SpawnSpec[path=" + path + ", argv=" + argv + ", env=" + new java.util.TreeSet<>(env.keySet()) + ", cwd="
                + cwd + ", pty=" + ptySlave + ", inheritStdio=" + inheritStdio + ", identity=" + identity + "]";
    }

    String[] envArray() {
        String[] out = new String[env.size() + 1];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            out[i++] = e.getKey() + "=" + e.getValue();
        }
        return out; // last element stays null: the C array terminator
    }

    String[] argvArray() {
        String[] out = argv.toArray(new String[argv.size() + 1]);
        out[argv.size()] = null;
        return out;
    }
}
