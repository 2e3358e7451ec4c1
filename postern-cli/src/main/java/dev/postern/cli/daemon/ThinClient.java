package dev.postern.cli.daemon;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;

/**
 * The launcher's fast path for short read-only commands: hands the command line, environment and working directory
 * to the person's CLI daemon ({@link CliDaemon}) over {@code $POSTERN_HOME/run/cli.sock}, copies the daemon's
 * standard output and error to its own, and exits with the command's code. Loads java.base (and jdk.net's
 * {@code SO_PEERCRED}) and this package's few protocol classes only (no picocli, Jackson, logging or BouncyCastle),
 * so its JVM starts in well under 0.1 s.
 *
 * <p>The contract with the launcher: until the daemon has answered {@link Frames#ACCEPTED} nothing has run, and
 * every failure (no socket, a socket or directory that is not the person's own 0700, a listener of another uid,
 * refused, stale, busy, a daemon that said nothing) exits with {@link #FALLBACK} having printed nothing, and the launcher runs the command in a
 * JVM of its own. After {@code ACCEPTED} the command is the daemon's: a connection that breaks then is exit 1 with a
 * message, and the command is never run a second time.
 *
 * <pre>{@code java -cp postern-cli.jar dev.postern.cli.daemon.ThinClient machines list --app web}</pre>
 */
public final class ThinClient {
    /** Not run: the launcher runs the command the usual way. Printed nothing. */
    public static final int FALLBACK = 200;
    /** How long the daemon may take to accept or refuse a request before the client gives up on it. */
    private static final long ACCEPT_MILLIS = 3_000;

    private ThinClient() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv()));
    }

    static int run(List<String> args, Map<String, String> env) {
        RunDir run = RunDir.of(env);
        if (run.untrustedSocket().isPresent()) {
            return FALLBACK;
        }
        DaemonRequest request;
        try {
            request = new DaemonRequest(DaemonRequest.VERSION, "run", JarStamp.current(),
                    System.getProperty("user.dir"), outputCharset(), args, env);
        } catch (IOException | RuntimeException e) {
            return FALLBACK;
        }
        SocketChannel channel;
        DataInputStream in;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(run.socket()));
            // the checks above are of a path: whoever could rename a directory above run/ could swap in their own
            // run/ and socket after them. The kernel's word on who listens is final: the request (the environment,
            // tokens in it) goes to a process of this user only
            if (!Files.getOwner(Path.of("/proc/self")).equals(
                    channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user())) {
                channel.close();
                return FALLBACK;
            }
            // a daemon that neither accepts nor refuses (stopped, wedged) must not hold the command up: the
            // connection is closed under the read at the deadline, and the command runs the usual way
            AtomicBoolean decided = new AtomicBoolean();
            watchdog(channel, decided);
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
            request.write(out);
            in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            Frames.Frame first = Frames.read(in);
            // the daemon runs nothing until it reads GO: whichever of this and the watchdog decides first wins, so
            // the command runs either there or here, never in both
            if (first.type() != Frames.ACCEPTED || !decided.compareAndSet(false, true)) {
                channel.close();
                return FALLBACK;
            }
            out.writeByte(Frames.GO);
            out.flush();
        } catch (IOException | RuntimeException e) {
            return FALLBACK;
        }
        return relay(channel, in);
    }

    /** Copies the accepted command's output until its exit code; a broken connection is exit 1, never a re-run. */
    private static int relay(SocketChannel channel, DataInputStream in) {
        Sink stdout = new Sink(new FileOutputStream(FileDescriptor.out));
        Sink stderr = new Sink(new FileOutputStream(FileDescriptor.err));
        try (channel) {
            while (true) {
                Frames.Frame f = Frames.read(in);
                switch (f.type()) {
                    case Frames.STDOUT -> stdout.write(f.body());
                    case Frames.STDERR -> stderr.write(f.body());
                    case Frames.EXIT -> {
                        return f.code();
                    }
                    default -> throw new IOException("an unknown frame type " + f.type());
                }
            }
        } catch (IOException e) {
            String why = e instanceof EOFException ? "the daemon closed the connection" : e.getMessage();
            stderr.write(("postern: the CLI daemon stopped answering before the command ended (" + why
                    + "); it was not run again. Run it once more, or with POSTERN_DAEMON=0 to bypass the"
                    + " daemon\n").getBytes(Charset.defaultCharset()));
            return 1;
        }
    }

    /**
     * Standard output or error as a fresh JVM's PrintStream treats them: once a write fails (a closed pipe, as with
     * '| head'), the rest is dropped and the command still ends with its own exit code.
     */
    private static final class Sink {
        private final OutputStream out;
        private boolean broken;

        Sink(OutputStream out) {
            this.out = out;
        }

        void write(byte[] b) {
            if (broken) {
                return;
            }
            try {
                out.write(b);
            } catch (IOException e) {
                broken = true;
            }
        }
    }

    /** The charset a fresh JVM would print in: stdout.encoding (JDK 19+), else the default charset (JDK 17). */
    static String outputCharset() {
        String enc = System.getProperty("stdout.encoding");
        return enc != null ? enc : Charset.defaultCharset().name();
    }

    private static void watchdog(SocketChannel channel, AtomicBoolean decided) {
        Thread t = new Thread(new Watchdog(channel, decided), "postern-thin-client-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** A class, not a lambda: a lambda's bootstrap spins method handles, tens of milliseconds of a cold JVM. */
    private static final class Watchdog implements Runnable {
        private final SocketChannel channel;
        private final AtomicBoolean decided;

        Watchdog(SocketChannel channel, AtomicBoolean decided) {
            this.channel = channel;
            this.decided = decided;
        }

        @Override
        public void run() {
            try {
                Thread.sleep(ACCEPT_MILLIS);
                if (decided.compareAndSet(false, true)) {
                    channel.close();
                }
            } catch (InterruptedException | IOException done) {
                // closing is all it does
            }
        }
    }
}
