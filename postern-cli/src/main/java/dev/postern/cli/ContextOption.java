package dev.postern.cli;

import dev.postern.cli.client.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The global {@code --context NAME} (or {@code --context=NAME}), allowed anywhere before a {@code --}: taken off
 * the command line and passed on as POSTERN_CONTEXT, which every client command reads through
 * {@link Session#require}. Done before picocli parses so no command needs to declare it.
 */
record ContextOption(CliEnvironment env, String[] args) {
    static final String NAME = "--context";

    static ContextOption apply(CliEnvironment env, String[] args) {
        List<String> rest = new ArrayList<>();
        String context = null;
        boolean ended = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!ended && a.equals("--")) {
                ended = true;
            } else if (!ended && a.equals(NAME)) {
                if (i + 1 >= args.length) {
                    throw CliException.usage("--context needs a NAME; see them with 'postern auth list'");
                }
                context = args[++i];
                continue;
            } else if (!ended && a.startsWith(NAME + "=")) {
                context = a.substring(NAME.length() + 1);
                continue;
            }
            rest.add(a);
        }
        if (context == null) {
            return new ContextOption(env, args);
        }
        if (context.isBlank()) {
            throw CliException.usage("--context is empty; see the names with 'postern auth list'");
        }
        Map<String, String> vars = new HashMap<>(env.variables());
        vars.put(Session.CONTEXT_VARIABLE, context.trim());
        return new ContextOption(new CliEnvironment(vars, env.in(), env.out(), env.err(), env.clock()),
                rest.toArray(String[]::new));
    }
}
