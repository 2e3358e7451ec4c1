package dev.postern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian 12's paramiko 2.x as a real SSH client in tests (many deploy tools use it, and it has no AEAD cipher).
 * It runs {@code paramiko_client.py} (a resource beside this class) with {@code /usr/bin/python3}, which has
 * Debian's python3-paramiko even where another python3 comes first on PATH.
 *
 * <pre>{@code
 * ProcessResult r = new Paramiko(tmp).login("root", key, cert, knownHosts).run("127.0.0.1", port, "exec", "id -u");
 * }</pre>
 */
public final class Paramiko {
    /** Debian's interpreter, the one python3-paramiko installs into. */
    public static final String PYTHON = "/usr/bin/python3";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path script;
    private final List<String> login = new ArrayList<>();
    private String jumpHost;
    private int jumpPort;

    /** Writes the client script into {@code dir}. */
    public Paramiko(Path dir) {
        script = dir.resolve("paramiko_client.py");
        try (InputStream in = Paramiko.class.getResourceAsStream("paramiko_client.py")) {
            if (in == null) {
                throw new IllegalStateException("paramiko_client.py is missing from the test kit's resources");
            }
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether Debian's python3-paramiko is installed (scripts/test installs it). */
    public static boolean installed() {
        return Files.isExecutable(Path.of(PYTHON))
                && Processes.run(TIMEOUT, List.of(PYTHON, "-c", "import paramiko")).exitCode() == 0;
    }

    /** Logs in as {@code user} with an OpenSSH private key and its certificate; host keys from {@code knownHosts}. */
    public Paramiko login(String user, Path key, Path cert, Path knownHosts) {
        login.clear();
        login.addAll(List.of("--user", user, "--key", key.toString(), "--cert", cert.toString(),
                "--known-hosts", knownHosts.toString()));
        return this;
    }

    /** Goes through a jump host (the gateway) first, as {@code ssh -J} does. */
    public Paramiko jump(String host, int port) {
        jumpHost = host;
        jumpPort = port;
        return this;
    }

    /** Connects to {@code host:port} and runs the actions ({@code exec CMD}, {@code put L R}, {@code get R L}). */
    public ProcessResult run(String host, int port, String... actions) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), "--host", host, "--port",
                Integer.toString(port)));
        cmd.addAll(login);
        if (jumpHost != null) {
            cmd.addAll(List.of("--jump-host", jumpHost, "--jump-port", Integer.toString(jumpPort)));
        }
        cmd.addAll(List.of(actions));
        return Processes.run(TIMEOUT, cmd, null, Map.of(), null);
    }
}
