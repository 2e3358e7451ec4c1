package dev.postern.agent.session;

import dev.postern.ssh.CertificateGrant;
import dev.postern.ssh.SessionEndReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.AsyncCommandStreamsAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell or exec request: runs the login user's shell ({@code shell -l}, or {@code shell -c COMMAND}) as
 * that user, on a PTY when one was granted, else on three pipes, and relays its I/O through the
 * {@link Reactor}. The session ends when the child has exited and its output is drained; a hang-up
 * (channel closed first) sends SIGHUP to the child's whole session, then SIGKILL after a grace period to what is
 * left of it. Until either is over the session is counted in {@link SessionChildren}, which a stopping agent
 * ends.
 */
final class SessionCommand implements Command, AsyncCommandStreamsAware, ChannelSessionAware {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCommand.class);

    private final SessionServices services;
    private final Reactor reactor;
    private final String requested;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private AgentChannel channel;
    private InboundPump inbound;
    private IoOutputStream out;
    private IoOutputStream err;
    private ExitCallback exit;
    private Instant started;
    private AuditRecord audit;
    private java.util.concurrent.atomic.AtomicReference<String> endReason;
    // owned by the reactor thread once start() has handed over
    private ChildProcess child;
    private Pty pty;
    private OutboundPump outPump;
    private OutboundPump errPump;
    private ExitStatus status;
    private boolean finished;
    private boolean hungUp;
    private boolean killed; // the hang-up's grace is over and its SIGKILL sent
    private boolean hangUpPending; // the channel closed before wire() ran

    /** @param requested the exec command line, or null for an interactive shell */
    SessionCommand(SessionServices services, String requested) {
        this.services = services;
        this.reactor = services.reactor();
        this.requested = requested;
    }

    @Override
    public void setChannelSession(ChannelSession session) {
        if (!(session instanceof AgentChannel)) {
            throw new IllegalStateException("session commands need an AgentChannel, got " + session.getClass());
        }
        channel = (AgentChannel) session;
        inbound = new InboundPump(reactor, bytesIn);
        channel.setDataReceiver(inbound); // before MINA installs its thread-hungry pipe
    }

    @Override
    public void setIoOutputStream(IoOutputStream out) {
        this.out = out;
    }

    @Override
    public void setIoErrorStream(IoOutputStream err) {
        this.err = err;
    }

    @Override
    public void setIoInputStream(org.apache.sshd.common.io.IoInputStream in) {
        // unused: our InboundPump is installed as the channel's data receiver first
    }

    @Override
    public void setInputStream(InputStream in) {
        // unused: input arrives through the InboundPump
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // unused: AsyncCommandStreamsAware streams are used
    }

    @Override
    public void setErrorStream(OutputStream err) {
        // unused: AsyncCommandStreamsAware streams are used
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession session, Environment env) throws IOException {
        started = services.clock().instant();
        endReason = SessionEndReason.holder(channel.getSession());
        CertificateGrant grant = channel.grant();
        String login = channel.getSession().getUsername();
        String command = grant != null && grant.forceCommand().isPresent() ? grant.forceCommand().get() : requested;
        audit = new AuditRecord().put("event", "session.start")
                .put("keyId", grant == null ? null : grant.keyId())
                .put("serial", grant == null ? null : grant.serial())
                .put("principal", login)
                .put("source", String.valueOf(channel.getSession().getClientAddress()))
                .put("command", command == null ? "shell" : command)
                .put("pty", channel.ptyRequest() != null);
        if (grant != null && grant.forceCommand().isPresent()) {
            audit.put("requested", requested == null ? "shell" : requested);
        }
        // the authenticator enforces this; checking again is cheap and keeps a wiring mistake harmless
        if (grant == null || !grant.login().equals(login) || !grant.principals().contains(login)) {
            LOG.warn("session refused: login {} is not a principal of the connection's certificate", login);
            refuse("postern: login " + login + " is not a principal of your certificate\n", 1);
            return;
        }
        LoginUser user;
        try {
            user = services.users().resolve(login);
        } catch (LoginRefusedException e) {
            LOG.info("session refused for {}: {}", login, e.getMessage());
            refuse(e.getMessage() + "\n", e.exitStatus);
            return;
        }
        PtyRequest ptyRequest = channel.ptyRequest();
        try {
            if (ptyRequest != null) {
                pty = Pty.open(ptyRequest.columns(), ptyRequest.rows());
                if (user.identity() != null) {
                    pty.chown(user.entry().uid(), user.entry().gid());
                }
            }
            List<String> argv = command == null ? List.of(user.shell(), "-l") : List.of(user.shell(), "-c", command);
            Map<String, String> childEnv = SessionEnvironment.build(services.baseEnv(), user,
                    channel.getSession().getClientAddress(), channel.getSession().getIoSession().getLocalAddress(),
                    ptyRequest, pty == null ? null : pty.slave, channel.clientEnv(),
                    grant.forceCommand().isPresent() ? (requested == null ? "" : requested) : null,
                    env.getEnv().get("SSH_AUTH_SOCK")); // set only by a permitted auth-agent-req
            // a home that is missing or that the user may not enter: Spawner starts the child in / instead
            child = Spawner.spawn(new SpawnSpec(argv.get(0), argv, childEnv, user.entry().home(),
                    pty == null ? null : pty.slave, false, user.identity()));
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot start a session for {}", login, e);
            if (pty != null) {
                pty.close();
            }
            refuse("postern: cannot start the session: " + e.getMessage() + "\n", 126);
            return;
        }
        if (!services.children().add(child)) {
            // the agent is stopping and has already ended the sessions it knew of: this one must not outlive it
            LOG.info("session of {} (pid {}) started while the agent stops; killing it", login, child.pid);
            child.killAndReap();
            if (pty != null) {
                pty.close();
            } else {
                Posix.close(child.stdin);
                Posix.close(child.stdout);
                Posix.close(child.stderr);
            }
            refuse("postern: the agent is stopping\n", 255);
            return;
        }
        audit.put("pid", child.pid);
        services.audit().write(audit);
        env.addSignalListener((ch, signal) -> onSignal(env, signal));
        reactor.execute(this::wire);
    }

    private void wire() {
        if (pty != null) {
            inbound.attach(pty.master, false, InboundPump.releaser(channel));
            outPump = new OutboundPump(reactor, pty.master, out, bytesOut, this::maybeFinish);
            outPump.start();
        } else {
            inbound.attach(child.stdin, true, InboundPump.releaser(channel));
            outPump = new OutboundPump(reactor, child.stdout, out, bytesOut, this::maybeFinish);
            errPump = new OutboundPump(reactor, child.stderr, err, bytesOut, this::maybeFinish);
            outPump.start();
            errPump.start();
        }
        child.whenExited(reactor, s -> { // a zombie till over() reaps it: its session's number stays its own
            status = s;
            services.children().exited();
            if (hungUp) {
                if (killed) {
                    over(); // the hang-up is over
                }
                writeEnd("hangup");
            } else if (pty != null && !outPump.isDone()) {
                outPump.drainAndFinish(); // the master may already have reported EIO; then finish below
            } else {
                maybeFinish();
            }
        });
        if (hangUpPending) {
            reactor.execute(this::hangUp); // queued: after the pumps' attach and register above
        }
    }

    private void onSignal(Environment env, Signal signal) {
        inbound.runInOrder(() -> {
            if (signal == Signal.WINCH) {
                if (pty != null) {
                    pty.resize(intOf(env.getEnv().get(Environment.ENV_COLUMNS)),
                            intOf(env.getEnv().get(Environment.ENV_LINES)));
                }
            } else if (child != null && status == null) {
                Libc.C.kill(child.pid, signal.getNumeric()); // RFC 4254 section 6.9
            }
        });
    }

    /** Reactor thread: ends the channel once the child has exited and every output stream is drained. */
    private void maybeFinish() {
        if (finished || status == null || !outPump.isDone() || (errPump != null && !errPump.isDone())) {
            return;
        }
        finished = true;
        inbound.detach();
        release();
        if (pty != null) {
            child.signalSession(Posix.SIGHUP, reactor.processes()); // as the kernel does on hang-up
        }
        // ended on its own: what the user left running in the background stays, as under sshd
        over();
        writeEnd("exit");
        try {
            if (status.killedBySignal()) {
                channel.exitWithSignal(status.signal(), status.coreDumped());
            } else {
                exit.onExit(status.code());
            }
        } catch (IOException e) {
            LOG.debug("could not report the exit of pid {}: {}", child.pid, e.getMessage());
        }
    }

    private void release() {
        if (pty != null) {
            pty.close();
        } else {
            Posix.close(child.stdout);
            Posix.close(child.stderr);
        }
    }

    @Override
    public void destroy(ChannelSession session) {
        reactor.execute(() -> {
            if (outPump == null) {
                // Not wired: refused, or not yet. MINA calls destroy from the closing thread (a revocation, the
                // agent stopping) while start() may still be spawning the child on the I/O thread; wire() hangs
                // that child up when it runs. The pump goes now, or a refused session's stays registered for good.
                hangUpPending = true;
                if (inbound != null) {
                    inbound.detach();
                }
                return;
            }
            hangUp();
        });
    }

    /** Reactor thread, once wired: SIGHUP to the child's session, then SIGKILL after the grace period. */
    private void hangUp() {
        if (finished) {
            return;
        }
        finished = true;
        hungUp = true;
        inbound.detach();
        outPump.stop();
        if (errPump != null) {
            errPump.stop();
        }
        child.hangUp(reactor.processes());
        release(); // closing the PTY master hangs up the terminal too
        if (status != null) {
            writeEnd("hangup"); // the shell had exited, its output not yet drained: no exit callback to come
        }
        Duration grace = services.killGrace();
        // the reactor's own timer: it runs even when the agent stops meanwhile (at once, then)
        reactor.schedule(grace, () -> {
            // also once the shell is gone: what it started in its session got the SIGHUP too, and may ignore it
            if (status == null || !reactor.processes().members(child.pid).isEmpty()) {
                LOG.info("session pid {} survived SIGHUP for {}; killing its session", child.pid, grace);
                child.signalSession(Posix.SIGKILL, reactor.processes());
            }
            killed = true;
            if (status != null) {
                over(); // the hang-up is over
            }
        });
    }

    /**
     * Reactor thread, once the shell has exited: the session will signal nothing more, so its shell is reaped (its
     * numbers free again) and it no longer counts for a stopping agent.
     */
    private void over() {
        child.reap();
        services.children().remove(child);
    }

    private void refuse(String message, int exitStatus) {
        status = ExitStatus.exited(exitStatus);
        services.audit().write(audit);
        writeEnd("refused");
        try {
            err.writeBuffer(new ByteArrayBuffer(message.getBytes(StandardCharsets.UTF_8)))
                    .addListener(f -> exit.onExit(exitStatus, message.strip()));
        } catch (IOException e) {
            exit.onExit(exitStatus, message.strip());
        }
    }

    private void writeEnd(String how) {
        AuditRecord end = new AuditRecord().put("event", "session.end");
        // repeat who and what so each line stands alone
        for (String key : List.of("keyId", "serial", "principal", "source", "command")) {
            end.put(key, audit.get(key));
        }
        end.put("end", how)
                .put("exitCode", status == null ? null : status.code())
                .put("signal", status == null || !status.killedBySignal() ? null
                        : AgentChannel.signalName(status.signal()))
                .put("bytesIn", bytesIn.get())
                .put("bytesOut", bytesOut.get())
                .put("durationMs", Duration.between(started, services.clock().instant()).toMillis());
        // ended by the gateway (member or machine removed, gateway shutting down): it said why
        SessionEndReason.of(endReason).ifPresent(reason -> end.put("reason", reason));
        services.audit().write(end);
    }

    private static int intOf(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
