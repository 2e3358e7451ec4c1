package dev.postern.cli.daemon;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code postern daemon status|stop}: the CLI daemon that serves short read-only commands (docs/CLI.md). */
@Command(name = "daemon", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = {"Show or stop the CLI daemon: a background JVM of yours that runs short read-only commands"
                + " ('machines list', 'apps list', ...) so they answer in a fraction of the time.",
            "The 'postern' launcher starts it after such a command; it exits after 10 idle minutes."
                + " POSTERN_DAEMON=0 turns it off."})
public final class DaemonCommand implements Runnable {
    /** How long stop waits for a busy daemon: longer than a request may take (the CLI's 30 s request timeout). */
    static final Duration STOP_WAIT = Duration.ofSeconds(40);
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public DaemonCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    private RunDir runDir() {
        return new RunDir(env.posternHome().resolve("run"));
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show whether your CLI daemon runs: its pid, age and the requests it served.")
    int status(@Option(names = "--json", description = "Print JSON.") boolean json) {
        RunDir run = runDir();
        DaemonClient client = new DaemonClient(run);
        Optional<DaemonStatus> status = client.status();
        boolean busy = status.isEmpty() && client.busy();
        Optional<String> bad = Files.exists(run.dir(), LinkOption.NOFOLLOW_LINKS) ? run.untrustedDir()
                : Optional.empty();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("running", status.isPresent() || busy);
            if (busy) {
                m.put("busy", true);
            }
            m.put("socket", run.socket().toString());
            status.ifPresent(s -> {
                m.put("pid", s.number("pid"));
                m.put("startedAt", Instant.ofEpochMilli(s.number("started")).toString());
                m.put("requests", s.number("requests"));
                m.put("idleExitSeconds", s.number("idle"));
            });
            bad.ifPresent(why -> m.put("refused", why));
            Output.json(env.out(), m);
            return ExitCodes.OK;
        }
        if (busy) {
            env.out().println("CLI daemon running, busy with a request (it tells its pid and age when idle); socket "
                    + run.socket() + ".");
            return ExitCodes.OK;
        }
        if (status.isEmpty()) {
            env.out().println("No CLI daemon is running for " + run.socket() + (bad.map(why -> " (and none will: "
                    + why + ")").orElse("; the next 'postern machines list' or the like starts one") + "."));
            return ExitCodes.OK;
        }
        DaemonStatus s = status.get();
        Duration up = Duration.ofMillis(Math.max(0, env.clock().millis() - s.number("started")));
        env.out().println("CLI daemon running: pid " + s.number("pid") + ", up " + up.toMinutes() + " min, "
                + s.number("requests") + " requests served, exits after " + s.number("idle") + " s idle; socket "
                + run.socket() + ".");
        return ExitCodes.OK;
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop your CLI daemon (commands then start their own JVM until the launcher starts a new"
                    + " one).")
    int stop() {
        RunDir run = runDir();
        DaemonClient client = new DaemonClient(run);
        boolean stopped;
        try {
            // a daemon busy with a request answers nothing else until it ends, within the request's own timeout
            stopped = client.stop(env.clock().instant().plus(STOP_WAIT), env.clock());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (!stopped && client.busy()) {
            env.err().println("postern: the CLI daemon for " + run.socket() + " is still busy with a request after "
                    + STOP_WAIT.toSeconds() + " s; try again when it has ended.");
            return ExitCodes.FAILURE;
        }
        if (!stopped) {
            env.out().println("No CLI daemon is running for " + run.socket() + "; nothing to stop.");
            return ExitCodes.OK;
        }
        // it removes its socket as it exits: wait for that (bounded), so a script's next command starts clean
        for (int i = 0; i < 50 && Files.exists(run.socket(), LinkOption.NOFOLLOW_LINKS); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        env.out().println("Stopped the CLI daemon.");
        return ExitCodes.OK;
    }
}
