package dev.postern.cli.demo;

import dev.postern.cli.CliEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link DemoPlane} needs.
 *
 * @param env whose HOME / POSTERN_HOME get the login, the dotssh key and the ssh config
 * @param dataDir a fresh directory for the server and the machines' data dirs
 * @param machines how many agent processes, 0..8
 * @param javaCommand how to start a JVM with this program's class path, e.g. {@code [java, -cp, CP]}
 * @param deleteDataOnClose true for a temporary data dir
 */
public record DemoConfig(CliEnvironment env, Path dataDir, int machines, List<String> javaCommand,
                         boolean deleteDataOnClose) {
    public DemoConfig {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(dataDir, "dataDir");
        if (machines < 0 || machines > 8) {
            throw new IllegalArgumentException("--machines " + machines + " is out of range; use 0 to 8");
        }
        javaCommand = List.copyOf(javaCommand);
    }

    /**
     * The JVM running now, with its class path: children run the same build. Agents are small long-running
     * servers: a small heap and the serial collector keep them small. C2 stays on, as the launcher keeps it for
     * agents: with C1 only AES-GCM has no GHASH intrinsic and a 100 MiB scp to a demo machine took 3.7 s instead
     * of well under one; -XX:+UnlockDiagnosticVMOptions lets chacha20-poly1305 use the JDK's Poly1305 (postern-ssh
     * Poly1305Choice).
     */
    public static List<String> sameJvm() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:+UnlockDiagnosticVMOptions", "-Xshare:auto", "-cp",
                DemoPlane.currentClassPath().orElse("."));
    }
}
