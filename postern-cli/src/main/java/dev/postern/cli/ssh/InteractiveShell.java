package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.connect.RemoteExit;
import dev.postern.cli.connect.Streams;
import dev.postern.cli.connect.Targets;
import java.io.IOException;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.session.ClientSession;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A shell on the machine driven by the local terminal: raw mode while it runs, window size changes
 * passed on (SIGWINCH), the terminal's previous state restored however the session ends.
 */
final class InteractiveShell {
    private InteractiveShell() {
    }

    static int run(CliEnvironment env, ClientSession session, boolean wantPty) throws IOException {
        if (!wantPty) {
            return plain(env, session);
        }
        // The exec provider (stty) restores the terminal exactly; JLine 3.29's JNI provider left it at speed 0 and
        // line discipline 6 after the session. Without a tty it yields a dumb terminal, handled below.
        try (Terminal terminal = TerminalBuilder.builder().system(true).provider("exec").nativeSignals(true)
                .dumb(true).build()) {
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                // stdin is not a terminal (a pipe, a test): no raw mode to enter
                return plain(env, session);
            }
            Attributes saved = terminal.enterRawMode();
            // Like ssh -t: every key goes to the remote side. JLine's raw mode keeps ISIG (Ctrl-C, Ctrl-Z, Ctrl-\
            // would act on this client), IXON and output processing; the remote pty does all of that.
            Attributes raw = terminal.getAttributes();
            raw.setLocalFlags(EnumSet.of(Attributes.LocalFlag.ISIG, Attributes.LocalFlag.ICANON,
                    Attributes.LocalFlag.ECHO, Attributes.LocalFlag.IEXTEN), false);
            raw.setInputFlags(EnumSet.of(Attributes.InputFlag.IXON, Attributes.InputFlag.ICRNL,
                    Attributes.InputFlag.INLCR, Attributes.InputFlag.IGNCR), false);
            raw.setOutputFlag(Attributes.OutputFlag.OPOST, false);
            terminal.setAttributes(raw);
            Terminal.SignalHandler previous = null;
            try (ChannelShell channel = session.createShellChannel()) {
                channel.setPtyType(env.variable("TERM").orElse("xterm-256color"));
                Size size = terminal.getSize();
                channel.setPtyColumns(size.getColumns());
                channel.setPtyLines(size.getRows());
                channel.setIn(terminal.input());
                channel.setOut(Streams.shielded(terminal.output()));
                channel.setErr(Streams.shielded(terminal.output()));
                channel.open().verify(Targets.TIMEOUT);
                previous = terminal.handle(Terminal.Signal.WINCH, s -> {
                    Size now = terminal.getSize();
                    try {
                        channel.sendWindowChange(now.getColumns(), now.getRows());
                    } catch (IOException e) {
                        // the session is ending; nothing to resize
                    }
                });
                return RemoteExit.await(channel);
            } finally {
                if (previous != null) {
                    terminal.handle(Terminal.Signal.WINCH, previous);
                }
                terminal.setAttributes(saved);
                terminal.flush();
            }
        }
    }

    private static int plain(CliEnvironment env, ClientSession session) throws IOException {
        try (ChannelShell channel = session.createShellChannel()) {
            channel.setUsePty(false);
            channel.setIn(env.in());
            channel.setOut(Streams.shielded(env.out()));
            channel.setErr(Streams.shielded(env.err()));
            channel.open().verify(Targets.TIMEOUT);
            return RemoteExit.await(channel);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "the shell session failed: " + e.getMessage(), e);
        }
    }
}
