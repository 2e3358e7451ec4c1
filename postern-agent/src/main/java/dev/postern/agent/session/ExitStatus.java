package dev.postern.agent.session;

/**
 * How a child ended: a normal exit code, or the signal that killed it (RFC 4254 section 6.10 sends the
 * latter as "exit-signal").
 *
 * @param code the exit code, or 128 + signal number when killed (the shell convention, used for audit)
 * @param signal the signal number, 0 when the child exited normally
 */
record ExitStatus(int code, int signal, boolean coreDumped) {
    static ExitStatus exited(int code) {
        return new ExitStatus(code, 0, false);
    }

    static ExitStatus killed(int signal, boolean coreDumped) {
        return new ExitStatus(128 + signal, signal, coreDumped);
    }

    boolean killedBySignal() {
        return signal != 0;
    }
}
