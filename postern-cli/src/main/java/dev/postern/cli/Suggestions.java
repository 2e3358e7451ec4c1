package dev.postern.cli;

import dev.postern.cli.client.DidYouMean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * "Did you mean ...?" at the end of a usage error's line, worded as for a mistyped app or machine
 * ({@link DidYouMean#suffix(List)}): for a mistyped subcommand or option, the command's names closest to it
 * ({@link DidYouMean}; picocli's own suggester offers its best matches however far they are, 'access' for
 * 'mchines'); for a missing required option, the one a mistyped option on the line was meant to be ('--ap' for
 * '--app', which picocli reports as missing, not as unknown).
 */
final class Suggestions {
    private Suggestions() {
    }

    /** {@code "; did you mean '--app'?"} for {@code e} on command line {@code args}, or {@code ""}. */
    static String suffix(ParameterException e, String[] args) {
        return DidYouMean.suffix(e instanceof UnmatchedArgumentException u ? forUnmatched(u)
                : e instanceof MissingParameterException m ? forMissing(m, args) : List.of());
    }

    private static List<String> forUnmatched(UnmatchedArgumentException e) {
        List<String> unmatched = e.getUnmatched();
        if (unmatched.isEmpty()) {
            return List.of();
        }
        CommandLine command = e.getCommandLine();
        String typed = unmatched.get(0);
        if (typed.startsWith("-")) {
            return DidYouMean.closest(optionName(typed), command.getCommandSpec().optionsMap().keySet());
        }
        String qualified = command.getCommandSpec().qualifiedName();
        return DidYouMean.closest(typed, command.getSubcommands().keySet()).stream().map(n -> qualified + " " + n)
                .toList();
    }

    private static List<String> forMissing(MissingParameterException e, String[] args) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        Set<String> known = spec.optionsMap().keySet();
        List<String> names = new ArrayList<>();
        for (ArgSpec missing : e.getMissing()) {
            if (missing instanceof OptionSpec option) {
                for (String arg : args) {
                    String name = optionName(arg);
                    if (arg.startsWith("-") && !known.contains(name)
                            && !DidYouMean.closest(name, List.of(option.names())).isEmpty()) {
                        names.add(option.longestName());
                        break;
                    }
                }
            }
        }
        return names;
    }

    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg : arg.substring(0, eq);
    }
}
