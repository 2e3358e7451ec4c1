package dev.postern.cli.daemon;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.Main;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.time.Clock;
import java.util.List;

/**
 * One command run for a client, as a fresh JVM would run it: {@link Main#run} with the client's environment (so its
 * POSTERN_HOME, login context and HOME), no standard input, and its output in the client's charset, sent as frames.
 * Nothing outlives the run: the config, credentials and TLS pin are read again by the next one. No background TLS
 * handshake ({@link Main#runWithoutWarmup}): in a warm JVM it would only add a handshake before the request's own.
 */
final class RequestRun {
    private RequestRun() {
    }

    /** Runs {@code request}'s command line, writing its output to {@code connection}; returns its exit code. */
    static int run(DaemonRequest request, DataOutputStream connection) {
        Charset charset = charset(request.charset());
        PrintStream out = new PrintStream(new BufferedOutputStream(new FrameOutputStream(connection, Frames.STDOUT),
                8192), true, charset);
        PrintStream err = new PrintStream(new BufferedOutputStream(new FrameOutputStream(connection, Frames.STDERR),
                8192), true, charset);
        try {
            return Main.runWithoutWarmup(new CliEnvironment(request.env(), new ByteArrayInputStream(new byte[0]), out, err,
                    Clock.systemUTC()), request.args().toArray(String[]::new));
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /** The command's first two words, for the log: never its options or values. */
    static String words(List<String> args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(2, args.size()); i++) {
            String a = args.get(i);
            if (!a.matches("[a-z][a-z-]{0,30}")) {
                break;
            }
            b.append(i == 0 ? "" : " ").append(a);
        }
        return b.length() == 0 ? "(command)" : b.toString();
    }
}
