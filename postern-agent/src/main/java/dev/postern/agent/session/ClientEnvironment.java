package dev.postern.agent.session;

import java.util.regex.Pattern;

/**
 * Which "env" requests (RFC 4254 section 6.4) a client may make. Like sshd's AcceptEnv, only locale and
 * terminal type: anything else (LD_PRELOAD, PATH, BASH_ENV) could change what the session runs.
 */
final class ClientEnvironment {
    private static final Pattern ALLOWED = Pattern.compile("LANG|TERM|LC_[A-Z_]+");

    private ClientEnvironment() {
    }

    static boolean mayClientSet(String name) {
        return ALLOWED.matcher(name).matches();
    }
}
