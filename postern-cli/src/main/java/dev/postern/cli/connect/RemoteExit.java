package dev.postern.cli.connect;

import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;

/** The exit code to end with after a remote command or shell: its status, or 128 + signal like a shell. */
public final class RemoteExit {
    private static final Set<ClientChannelEvent> DONE = EnumSet.of(ClientChannelEvent.CLOSED);

    private RemoteExit() {
    }

    /** Waits (no limit: the person's command may run for hours) until the channel closes. */
    public static int await(ClientChannel channel) {
        channel.waitFor(DONE, 0L);
        Integer status = channel.getExitStatus();
        if (status != null) {
            return status;
        }
        String signal = channel.getExitSignal();
        if (signal != null) {
            return 128 + signalNumber(signal);
        }
        return 255; // like OpenSSH when the connection ended without an exit status
    }

    static int signalNumber(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ABRT" -> 6;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            default -> 15;
        };
    }
}
