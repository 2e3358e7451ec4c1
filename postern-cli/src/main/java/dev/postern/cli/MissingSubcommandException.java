package dev.postern.cli;

import java.util.stream.Collectors;
import picocli.CommandLine;

/** A command group (auth, orgs, ssh, ...) was run without one of its commands. */
public final class MissingSubcommandException extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    public MissingSubcommandException(CommandLine group) {
        super(group, "'" + group.getCommandSpec().qualifiedName() + "' needs a command: one of "
                + group.getSubcommands().keySet().stream().filter(n -> !n.equals("help"))
                        .collect(Collectors.joining(", ")));
    }
}
