package dev.postern.cli;

import dev.postern.cli.audit.AuditCommand;
import dev.postern.cli.auth.AuthCommand;
import dev.postern.cli.demo.DemoCommand;
import dev.postern.cli.machines.MachinesCommand;
import dev.postern.cli.machines.TokensCommand;
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
        String command = args.length > 0 ? args[0] : "";
        if (!command.equals("server") && !command.equals("agent") && !command.equals("demo")) {
            // A client command reports its own failures in one line; MINA's warnings about connections it is
            // closing anyway are noise on a person's terminal (set before logging starts: logback.xml reads it).
            System.setProperty("POSTERN_SSHD_LOG", "ERROR");
        }
        System.exit(run(CliEnvironment.system(), args));
    }

    /** Runs one command line in-process; never throws and never calls System.exit. */
    public static int run(CliEnvironment env, String... args) {
        CommandLine cli = commandLine(env);
        try {
            return cli.execute(args);
        } finally {
            env.out().flush();
            env.err().flush();
        }
    }

    /** The full command tree wired to {@code env}. */
    static CommandLine commandLine(CliEnvironment env) {
        CommandLine cli = new CommandLine(new PosternCommand(), new CommandFactory(env));
        for (Object command : subcommands(env)) {
            cli.addSubcommand(command);
        }
        cli.setOut(new PrintWriter(env.out(), true));
        cli.setErr(new PrintWriter(env.err(), true));
        cli.setParameterExceptionHandler(Main::badUsage);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> failed(env, e, command, parseResult));
        return cli;
    }

    /** The top-level commands, in the order `postern --help` lists them. */
    static List<Object> subcommands(CliEnvironment env) {
        List<Object> commands = new ArrayList<>();
        // ---- launchers: the control plane and the in-machine agent ----
        commands.add(new ServerCommand(env.posternHome(), env.variable("POSTERN_MASTER_KEY").orElse(null), env.out()));
        commands.add(new AgentCommand());
        commands.add(new DemoCommand(env));
        // ---- end of launchers; client commands below ----
        commands.add(new AuthCommand(env));
        commands.add(new OrgsCommand(env));
        commands.add(new MembersCommand(env));
        commands.add(new AppsCommand(env));
        commands.add(new TokensCommand(env));
        commands.add(new MachinesCommand(env));
        commands.add(new SshCommand(env));
        commands.add(new ProxyCommand(env));
        commands.add(new AuditCommand(env));
        return commands;
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("postern: " + e.getMessage());
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
        if (e instanceof CliException) {
            err.println("postern: " + e.getMessage());
        } else {
            err.println("postern: unexpected error: " + e + " (run with --verbose or POSTERN_DEBUG=1 for details)");
        }
        if (env.debug() || verbose(parseResult)) {
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
