package dev.postern.agent.session;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

/**
 * The session layer as MINA factories: install {@link #channelFactory()} for "session" channels and
 * {@link #shellFactory()} / {@link #commandFactory()} for shell and exec requests. Owns the I/O thread, so
 * close it with the server.
 *
 * <pre>{@code
 * Sessions sessions = Sessions.start(Accounts.system(), System::getenv, Clock.systemUTC(), Duration.ofSeconds(2));
 * server.setShellFactory(sessions.shellFactory());
 * }</pre>
 */
public final class Sessions implements AutoCloseable {
    private final Reactor reactor;
    private final SessionServices services;
    private final UserDirectory users;

    private Sessions(Reactor reactor, SessionServices services, UserDirectory users) {
        this.reactor = reactor;
        this.services = services;
        this.users = users;
    }

    /**
     * @param baseEnv the environment every session starts from, read anew for each session (so that a session
     *     started after the app's secrets changed sees the new values, as the restarted entrypoint does): the
     *     entrypoint's, without the variables that described how the agent itself was started ({@code SSH_*},
     *     {@code TERM}); the session sets its own
     * @param killGrace how long a hung-up session may outlive its SIGHUP before SIGKILL
     */
    public static Sessions start(Accounts accounts, Supplier<Map<String, String>> baseEnv, Clock clock,
                                 Duration killGrace) throws IOException {
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(baseEnv, "baseEnv");
        UserDirectory users = new UserDirectory(accounts);
        Reactor reactor = new Reactor("postern-session-io");
        return new Sessions(reactor, new SessionServices(reactor, users, baseEnv, new AuditLog(), clock, killGrace,
                new SessionChildren()), users);
    }

    /** Creates {@link AgentChannel}s: permit-pty, the env allow-list, exit-signal. */
    public ChannelFactory channelFactory() {
        return new AgentChannelFactory();
    }

    public ShellFactory shellFactory() {
        return channel -> new SessionCommand(services, null);
    }

    /** Runs exec requests through the login shell; wrap it (e.g. for scp) rather than replace it. */
    public CommandFactory commandFactory() {
        return (channel, command) -> new SessionCommand(services, command);
    }

    /** The passwd entry of {@code login} (for subsystems such as SFTP that need the user's home and ids). */
    public java.util.Optional<PasswdEntry> lookup(String login) {
        return users.lookup(login);
    }

    /**
     * Ends every session's processes, then stops the I/O thread: SIGHUP to each session still running, SIGKILL to
     * what is left of them after the kill grace, and a wait of at most {@link #REAP_WAIT} more until they are gone.
     * Close the SSH server first, so that no session starts meanwhile (one that does is killed at once).
     */
    @Override
    public void close() {
        try {
            services.children().stopAll(reactor, services.killGrace(), REAP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the reactor's stop below still SIGKILLs pending hang-ups
        }
        reactor.close();
    }

    /** How long {@link #close} waits, after SIGKILL, for the processes of the sessions to be gone. */
    static final Duration REAP_WAIT = Duration.ofSeconds(5);
}
