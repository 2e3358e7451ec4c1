package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.Output;
import dev.postern.cli.client.Printable;
import dev.postern.cli.connect.MachineChoice;
import dev.postern.common.api.MachineView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code -s/--select}: shows the candidates numbered on stderr and reads the choice from stdin. */
final class TerminalPicker implements MachineChoice.Picker {
    static final int ATTEMPTS = 3;
    private final CliEnvironment env;

    TerminalPicker(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public MachineView pick(List<MachineView> candidates) {
        PrintStream err = env.err();
        for (int i = 0; i < candidates.size(); i++) {
            MachineView m = candidates.get(i);
            // what the control plane says about a machine reaches the terminal only escaped
            err.printf("%3d) %s  %s  %s  last seen %s%n", i + 1, Printable.escape(m.id()), Printable.escape(m.region()),
                    Printable.escape(m.address()), Output.time(m.lastSeen()));
        }
        // Not closed: it wraps our stdin, which later carries the session's input.
        BufferedReader in = new BufferedReader(new InputStreamReader(env.in(), StandardCharsets.UTF_8));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            err.print("Machine [1-" + candidates.size() + "]: ");
            err.flush();
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (line == null) {
                break;
            }
            int n = number(line.trim());
            if (n >= 1 && n <= candidates.size()) {
                return candidates.get(n - 1);
            }
            err.println("'" + line.trim() + "' is not one of 1.." + candidates.size());
        }
        throw CliException.usage("no machine picked; type a number from the list, or use --machine ID");
    }

    private static int number(String s) {
        return s.matches("[0-9]{1,4}") ? Integer.parseInt(s) : -1;
    }
}
