package dev.postern.cli;

import dev.postern.cli.audit.AuditCommand;
import dev.postern.cli.auth.AuthCommand;
import dev.postern.cli.client.Printable;
import dev.postern.cli.client.TlsWarmup;
import dev.postern.cli.demo.DemoCommand;
import dev.postern.cli.machines.MachinesCommand;
import dev.postern.cli.machines.TokensCommand;
import dev.postern.cli.access.AccessCommand;
import dev.postern.cli.orgs.AppsCommand;
import dev.postern.cli.orgs.MembersCommand;
import dev.postern.cli.orgs.OrgsCommand;
import dev.postern.cli.proxy.ProxyCommand;
import dev.postern.cli.agent.AgentCommand;
import dev.postern.cli.server.ServerCommand;
import dev.postern.cli.ssh.SshCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The {@code postern} command line. {@link #run} is the testable entry point: it takes the environment
 * explicitly and returns the exit code (see {@link ExitCodes}) instead of exiting.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        disableGroovyClosures();
        String command = args.length > 0 ? args[0] : "";
        if (!command.equals("server") && !command.equals("agent") && !command.equals("demo")) {
            // A client command reports its own failures in one line; MINA's log lines (a warning about a connection
            // it is closing anyway, an ERROR line before 'postern proxy' says its port is taken) are noise on a
            // person's terminal. POSTERN_SSHD_LOG=DEBUG still shows them (set before logging starts:
            // LogConfigurator reads it).
            if (System.getenv("POSTERN_SSHD_LOG") == null) {
                System.setProperty("POSTERN_SSHD_LOG", "OFF");
            }
        }
        System.exit(run(CliEnvironment.system(), args));
    }

    /**
     * Tells picocli not to look for Groovy (before it builds a command). Why: its factory's class initializer looks
     * up groovy.lang.Closure, and that failed search opened every jar on the class path, ~50 ms of each command's
     * start (class-path debug log); Postern's annotations hold no closures.
     */
    public static void disableGroovyClosures() {
        System.setProperty("picocli.disable.closures", "true");
    }

    /** Runs one command line in-process; never throws and never calls System.exit. */
    public static int run(CliEnvironment env, String... args) {
        return run(env, true, args);
    }

    /**
     * As {@link #run}, without the background TLS handshake ({@link TlsWarmup}): for a JVM whose TLS code is warm
     * already (the CLI daemon), where that handshake would only come before the request's own, one after the other.
     */
    public static int runWithoutWarmup(CliEnvironment env, String... args) {
        return run(env, false, args);
    }

    private static int run(CliEnvironment env, boolean warmup, String... args) {
        ContextOption global;
        try {
            global = ContextOption.apply(env, args);
        } catch (CliException e) {
            env.err().println("postern: " + e.getMessage());
            env.err().flush();
            return e.exitCode();
        }
        // the first TLS handshake, on the second core while picocli builds the command (TlsWarmup: why)
        if (!warmup) {
            return execute(global.env(), global.args());
        }
        try (TlsWarmup warm = TlsWarmup.start(global.env(), global.args())) {
            return execute(global.env().withWarmup(warm), global.args());
        }
    }

    private static int execute(CliEnvironment env, String... args) {
        CommandLine cli = commandLine(env, args);
        try {
            return cli.execute(args);
        } finally {
            env.out().flush();
            env.err().flush();
        }
    }

    /** The full command tree wired to {@code env}. */
    static CommandLine commandLine(CliEnvironment env) {
        return commandLine(env, new String[0]);
    }

    /**
     * The command tree wired to {@code env} for the command line {@code args}: when {@code args} starts with a
     * top-level command, the tree holds only that one. Why: picocli reflects over every command of the tree
     * when it is built, which took about 0.8 s of the agent's 2 s start on a busy 2-core machine (class-load
     * log); {@code postern agent} needs none of the client commands, and {@code postern --help} or an unknown
     * command still gets all of them.
     */
    static CommandLine commandLine(CliEnvironment env, String[] args) {
        CommandLine cli = new CommandLine(new PosternCommand(), new CommandFactory(env));
        for (Object command : subcommandsFor(env, args)) {
            cli.addSubcommand(command);
        }
        // after the subcommands are added: picocli hands the width to the commands it has
        cli.setUsageHelpWidth(HelpWidth.of(env.variables()));
        cli.setHelpFactory(WordWrappingHelp::create);
        cli.setOut(new PrintWriter(env.out(), true));
        cli.setErr(new PrintWriter(env.err(), true));
        // picocli would read an argument "@FILE" as the arguments in FILE: a file name (or a remote command, an app
        // name) that happens to start with '@' would silently become something else, and nobody asked for it.
        cli.setExpandAtFiles(false);
        cli.setParameterExceptionHandler(Main::badUsage);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> failed(env, e, command, parseResult));
        return cli;
    }

    /** A top-level command: its name (as in its {@code @Command}) and how to make it. */
    record TopCommand(String name, Function<CliEnvironment, Object> make) {
    }

    /** The top-level commands, in the order `postern --help` lists them. */
    static final List<TopCommand> TOP_COMMANDS = List.of(
            // ---- launchers: the control plane and the in-machine agent ----
            new TopCommand("server", env -> new ServerCommand(env.posternHome(),
                    env.variable("POSTERN_MASTER_KEY").orElse(null), env.out())),
            new TopCommand("agent", env -> new AgentCommand(env.variables())),
            new TopCommand("demo", DemoCommand::new),
            // ---- end of launchers; client commands below ----
            new TopCommand("auth", AuthCommand::new),
            new TopCommand("orgs", OrgsCommand::new),
            new TopCommand("members", MembersCommand::new),
            new TopCommand("apps", AppsCommand::new),
            new TopCommand("access", AccessCommand::new),
            new TopCommand("tokens", TokensCommand::new),
            new TopCommand("machines", MachinesCommand::new),
            new TopCommand("secrets", dev.postern.cli.secrets.SecretsCommand::new),
            new TopCommand("ssh", SshCommand::new),
            new TopCommand("proxy", ProxyCommand::new),
            new TopCommand("audit", AuditCommand::new),
            new TopCommand("daemon", dev.postern.cli.daemon.DaemonCommand::new));

    /** Every top-level command, in the order `postern --help` lists them. */
    static List<Object> subcommands(CliEnvironment env) {
        List<Object> commands = new ArrayList<>();
        for (TopCommand top : TOP_COMMANDS) {
            commands.add(top.make().apply(env));
        }
        return commands;
    }

    /**
     * Only the command {@code args} names first, none for {@code --version} (it prints one line; building the 60-odd
     * commands cost it most of its time), or every one when the first argument names none.
     */
    static List<Object> subcommandsFor(CliEnvironment env, String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        if (args.length > 0) {
            for (TopCommand top : TOP_COMMANDS) {
                if (top.name().equals(args[0])) {
                    return List.of(top.make().apply(env));
                }
            }
        }
        return subcommands(env);
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("postern: " + e.getMessage() + Suggestions.suffix(e, args));
        if (e instanceof MissingSubcommandException) {
            err.print(command.getUsageMessage());
        } else {
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int failed(CliEnvironment env, Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        // messages may quote answers of the control plane: whatever slipped through unescaped is escaped here
        if (e instanceof CliException) {
            err.println("postern: " + Printable.forTerminal(e.getMessage()));
        } else {
            err.println("postern: unexpected error: " + Printable.forTerminal(String.valueOf(e))
                    + " (run with --verbose or POSTERN_DEBUG=1 for details)");
        }
        boolean debug;
        try {
            debug = env.debug();
        } catch (IllegalArgumentException bad) {
            err.println("postern: " + bad.getMessage());
            debug = false;
        }
        if (debug || verbose(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof CliException ? ((CliException) e).exitCode() : ExitCodes.FAILURE;
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
