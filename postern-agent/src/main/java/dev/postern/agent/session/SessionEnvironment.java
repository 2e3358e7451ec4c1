package dev.postern.agent.session;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a session's environment: the entrypoint's (so a session sees what the app sees), then the login
 * variables sshd sets, then the few the client may choose.
 */
final class SessionEnvironment {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private SessionEnvironment() {
    }

    static Map<String, String> build(Map<String, String> base, LoginUser user, SocketAddress client,
                                     SocketAddress server, PtyRequest pty, String ttyName,
                                     Map<String, String> clientEnv, String originalCommand, String agentSocket) {
        // base comes without the agent's own inherited SSH_* and TERM (AppEnvironment.sessionBase): those described
        // how the agent was started; a deployed secret of such a name stays
        Map<String, String> env = new TreeMap<>(base);
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.put("USER", user.entry().name());
        env.put("LOGNAME", user.entry().name());
        env.put("HOME", user.entry().home());
        env.put("SHELL", user.shell());
        String c = host(client) + " " + port(client);
        env.put("SSH_CONNECTION", c + " " + host(server) + " " + port(server));
        env.put("SSH_CLIENT", c + " " + port(server));
        if (pty != null) {
            env.put("TERM", pty.term());
            env.put("SSH_TTY", ttyName);
        }
        clientEnv.forEach((k, v) -> {
            if (ClientEnvironment.mayClientSet(k) && !(k.equals("TERM") && pty != null)) {
                env.put(k, v);
            }
        });
        if (agentSocket != null) {
            env.put("SSH_AUTH_SOCK", agentSocket);
        }
        if (originalCommand != null) {
            env.put("SSH_ORIGINAL_COMMAND", originalCommand);
        }
        return env;
    }

    private static String host(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : "UNKNOWN";
    }

    private static int port(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getPort() : 0;
    }
}
