/**
 * Shell and exec sessions of the agent.
 *
 * <p>A "session" channel is an {@link dev.postern.agent.session.AgentChannel} (permit-pty, the LANG/LC_*&#47;TERM
 * env allow-list, exit-signal). Shell and exec requests become a {@code SessionCommand}: the login user's
 * shell from /etc/passwd (fallback /bin/sh, else "no shell in this image" and 127), started as the user
 * (uid, gid, and groups from the group file next to passwd, not NSS) from a thread switched to that user when
 * the agent is root ({@code ThreadCredentials}), with the entrypoint's environment plus
 * USER/HOME/SHELL/LOGNAME/SSH_*.
 *
 * <p>Processes are started with posix_spawn (see {@code Spawner} for why not ProcessBuilder or pty4j): a
 * clean signal mask (the JVM blocks SIGQUIT in its threads and children would inherit it), a new session
 * per child, and a pidfd. One thread, the {@code Reactor}, polls every child's pipes or PTY master and
 * pidfd; output is read only when the previous chunk has been written to the channel, and client input is
 * acknowledged (window released) only once the child has it, so memory per session is bounded by one
 * buffer per stream plus one SSH window, and no session costs a thread. Hang-up sends SIGHUP to every
 * process of the child's session, SIGKILL after a grace period; closing {@link dev.postern.agent.session.Sessions}
 * does the same to every session still running and waits until their processes are gone.
 */
package dev.postern.agent.session;
