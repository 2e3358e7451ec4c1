package dev.postern.cli.daemon;

import dev.postern.cli.Main;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The person's CLI daemon: a long-lived JVM that runs short read-only commands for the {@link ThinClient}, so they
 * skip the JVM's start, picocli's set-up and a cold TLS stack (about 0.5 s on a small machine). It serves
 * {@code $POSTERN_HOME/run/cli.sock} in a directory that must be the person's own and 0700; each peer's uid
 * ({@code SO_PEERCRED}) must be its own. One request at a time (a second one is answered busy and runs the usual way);
 * each runs through {@link Main#run} with the client's environment, so it sees exactly what a fresh JVM would (the
 * config is read again for every request; nothing of one request is kept for the next).
 *
 * <p>It exits after {@link DaemonConfig#idle} without requests, when a client's {@link JarStamp} is not its own
 * (answering {@link Frames#STALE} first), when its socket is removed or replaced, when its jar changes, on
 * {@code postern daemon stop} and on SIGTERM; it removes its socket (only its own) as it goes.
 *
 * <pre>{@code java -cp postern-cli.jar dev.postern.cli.daemon.CliDaemon   # the launcher starts it, detached}</pre>
 */
public final class CliDaemon {
    /** How often the socket, the jar and the idle time are checked. */
    static final Duration WATCH = Duration.ofSeconds(2);
    /** How long a connected client may take to send its request, and its go-ahead. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** How long a new daemon waits for one that is exiting to let go of the lock. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(3);

    /**
     * @param run the run directory
     * @param idle how long without requests before it exits
     * @param stamp its own {@link JarStamp}
     */
    record DaemonConfig(RunDir run, Duration idle, String stamp, Clock clock) {
        DaemonConfig {
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(stamp, "stamp");
            Objects.requireNonNull(clock, "clock");
            if (idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("POSTERN_DAEMON_IDLE must be a positive number of seconds, not "
                        + idle.toSeconds());
            }
        }
    }

    private final DaemonConfig config;
    private final DaemonLog log;
    private final ServerSocketChannel server;
    private final Object socketKey;
    private final UserPrincipal me;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "postern-daemon-watch");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore worker = new Semaphore(1);
    private final AtomicLong lastRequest;
    private final AtomicLong served = new AtomicLong();
    private final long started;
    private volatile String exitReason = "stopped (SIGTERM)";

    private CliDaemon(DaemonConfig config, DaemonLog log, ServerSocketChannel server, Object socketKey,
            UserPrincipal me) {
        this.config = config;
        this.log = log;
        this.server = server;
        this.socketKey = socketKey;
        this.me = me;
        this.started = config.clock().millis();
        this.lastRequest = new AtomicLong(started);
    }

    public static void main(String[] args) {
        Main.disableGroovyClosures();
        if (System.getenv("POSTERN_SSHD_LOG") == null) {
            System.setProperty("POSTERN_SSHD_LOG", "OFF");
        }
        int code;
        try {
            code = start(config(System.getenv().get("POSTERN_DAEMON_IDLE"))).serve();
        } catch (IOException | RuntimeException e) {
            System.err.println("postern daemon: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    static DaemonConfig config(String idle) throws IOException {
        Duration limit = Duration.ofMinutes(10);
        if (idle != null && !idle.isBlank()) {
            if (!idle.strip().matches("\\d{1,9}")) {
                throw new IllegalArgumentException("POSTERN_DAEMON_IDLE=" + idle + " is not a number of seconds");
            }
            limit = Duration.ofSeconds(Long.parseLong(idle.strip()));
        }
        return new DaemonConfig(RunDir.of(System.getenv()), limit, JarStamp.current(), Clock.systemUTC());
    }

    /**
     * Takes the run directory's lock and binds the socket; exits quietly (0) when another daemon holds the lock.
     *
     * @throws IOException when the directory is not the person's own 0700 (it is never changed), or cannot be made
     */
    static CliDaemon start(DaemonConfig config) throws IOException {
        RunDir run = config.run();
        if (!Files.exists(run.dir(), LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(run.dir().getParent());
            Files.createDirectory(run.dir(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Optional<String> bad = run.untrustedDir();
        if (bad.isPresent()) {
            throw new IOException("not starting: " + bad.get());
        }
        FileChannel lockFile = FileChannel.open(run.lock(), java.util.Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        FileLock lock = awaitLock(lockFile, config.clock());
        if (lock == null) {
            lockFile.close();
            System.exit(0); // another daemon serves this directory
        }
        DaemonLog log = DaemonLog.open(run.log(), config.clock());
        System.setOut(log.stream());
        System.setErr(log.stream());
        // warm before the socket appears: until then clients find none and run the usual way at once
        DaemonWarmup.run(run);
        // whoever holds the lock is the only daemon: a socket left here is a dead one's
        Files.deleteIfExists(run.socket());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(run.socket()));
        Object key = Files.readAttributes(run.socket(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
        UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
        CliDaemon daemon = new CliDaemon(config, log, server, key, me);
        log.log("started: pid " + ProcessHandle.current().pid() + ", java " + Runtime.version() + ", exits after "
                + config.idle().toSeconds() + " s idle");
        return daemon;
    }

    private static FileLock awaitLock(FileChannel lockFile, Clock clock) throws IOException {
        long deadline = clock.millis() + LOCK_WAIT.toMillis();
        while (true) {
            FileLock lock = lockFile.tryLock();
            if (lock != null || clock.millis() > deadline) {
                return lock;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Serves until it exits; returns the exit code. */
    int serve() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUp, "postern-daemon-stop"));
        timers.scheduleWithFixedDelay(this::watch, WATCH.toMillis(), WATCH.toMillis(), TimeUnit.MILLISECONDS);
        while (server.isOpen()) {
            SocketChannel peer;
            try {
                peer = server.accept();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    break;
                }
                exit("cannot accept connections (" + e.getMessage() + ")");
                return 1;
            }
            if (!mayServe(peer)) {
                close(peer);
                continue;
            }
            if (!worker.tryAcquire()) {
                answer(peer, Frames.BUSY);
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    handle(peer);
                } finally {
                    lastRequest.set(config.clock().millis());
                    worker.release();
                }
            }, "postern-daemon-request");
            t.start();
        }
        // closed only by removeSocket, on the way out: the thread that closed it says why, answers its client
        // and exits; returning from here would exit first, cutting that answer off
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                return 0;
            }
        }
    }

    /** True when the peer runs as this daemon's user; anyone else is refused, and logged. */
    private boolean mayServe(SocketChannel peer) {
        try {
            UnixDomainPrincipal who = peer.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (me.equals(who.user())) {
                return true;
            }
            log.log("refused a connection from user " + who.user().getName() + ": not this daemon's user "
                    + me.getName());
        } catch (IOException | UnsupportedOperationException e) {
            log.log("refused a connection: cannot tell its user (" + e.getMessage() + ")");
        }
        return false;
    }

    private void handle(SocketChannel peer) {
        try (peer) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(peer)));
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(peer));
            DaemonRequest request;
            ScheduledFuture<?> deadline = closeAfter(peer, REQUEST_TIMEOUT);
            try {
                request = DaemonRequest.read(in);
            } finally {
                deadline.cancel(false);
            }
            boolean sameVersion = request.version() == DaemonRequest.VERSION;
            if (!sameVersion || request.kind().equals("run") && !request.stamp().equals(config.stamp())) {
                stale(out, sameVersion ? "another jar or Java (" + request.stamp() + ")"
                        : "protocol version " + request.version());
                return;
            }
            switch (request.kind()) {
                case "status" -> Frames.write(out, Frames.INFO, DaemonStatus.of(this).text()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                case "stop" -> {
                    Frames.write(out, Frames.ACCEPTED, new byte[0]);
                    out.flush();
                    exit("stopped ('postern daemon stop')");
                }
                case "run" -> run(request, in, out);
                default -> log.log("refused a request of unknown kind '" + request.kind() + "'");
            }
        } catch (IOException e) {
            log.log("request ended: " + e.getMessage());
        }
    }

    private void run(DaemonRequest request, DataInputStream in, DataOutputStream out) throws IOException {
        Frames.write(out, Frames.ACCEPTED, new byte[0]);
        out.flush();
        int go;
        ScheduledFuture<?> goDeadline = closeAfter(in, REQUEST_TIMEOUT);
        try {
            go = in.read();
        } finally {
            goDeadline.cancel(false);
        }
        if (go != Frames.GO) {
            log.log("request not run: the client gave up before it began");
            return;
        }
        long n = served.incrementAndGet();
        long begun = config.clock().millis();
        int code = RequestRun.run(request, out);
        log.log("request " + n + ": " + RequestRun.words(request.args()) + " exit " + code + " in "
                + (config.clock().millis() - begun) + " ms");
        synchronized (out) {
            Frames.writeExit(out, code);
            out.flush();
        }
    }

    private ScheduledFuture<?> closeAfter(Object channel, Duration timeout) {
        return timers.schedule(() -> {
            try {
                if (channel instanceof java.io.Closeable c) {
                    c.close();
                }
            } catch (IOException ignored) {
                // closed either way
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A client of another jar, Java or protocol: the socket goes first (so its launcher may start a new daemon). */
    private void stale(DataOutputStream out, String what) throws IOException {
        exitReason = "stale: a client of " + what;
        removeSocket();
        Frames.write(out, Frames.STALE, new byte[0]);
        out.flush();
        exit("stale: a client of " + what);
    }

    private void answer(SocketChannel peer, byte type) {
        try (peer) {
            Frames.write(new DataOutputStream(Channels.newOutputStream(peer)), type, new byte[0]);
        } catch (IOException ignored) {
            // the client falls back either way
        }
    }

    private static void close(SocketChannel peer) {
        try {
            peer.close();
        } catch (IOException ignored) {
            // nothing was said to it
        }
    }

    /** Every {@link #WATCH}: its socket still its own, its jar unchanged, not idle too long. */
    private void watch() {
        try {
            if (!socketIsMine()) {
                exit("its socket " + config.run().socket() + " was removed or replaced");
            } else if (!JarStamp.current().equals(config.stamp())) {
                exit("its jar or Java changed");
            } else if (worker.availablePermits() > 0
                    && config.clock().millis() - lastRequest.get() > config.idle().toMillis()) {
                exit("idle for " + config.idle().toSeconds() + " s");
            }
        } catch (IOException | RuntimeException e) {
            exit("cannot check its socket and jar (" + e.getMessage() + ")");
        }
    }

    private boolean socketIsMine() {
        try {
            return socketKey != null && socketKey.equals(Files.readAttributes(config.run().socket(),
                    BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    private void exit(String reason) {
        exitReason = reason;
        System.exit(0);
    }

    private synchronized void removeSocket() {
        try {
            server.close();
        } catch (IOException ignored) {
            // removed below either way
        }
        if (socketIsMine()) {
            try {
                Files.deleteIfExists(config.run().socket());
            } catch (IOException ignored) {
                // the next daemon removes it
            }
        }
    }

    private void cleanUp() {
        removeSocket();
        log.log("exiting: " + exitReason + "; served " + served.get() + " requests");
        log.close();
    }

    long pid() {
        return ProcessHandle.current().pid();
    }

    long startedMillis() {
        return started;
    }

    long served() {
        return served.get();
    }

    DaemonConfig config() {
        return config;
    }
}
