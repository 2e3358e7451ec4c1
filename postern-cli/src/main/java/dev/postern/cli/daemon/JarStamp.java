package dev.postern.cli.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a daemon and its client must share to be interchangeable with a fresh JVM: the launcher jar (its size and
 * modification time: every build rewrites it) and the Java running it. A client with another stamp is answered
 * {@link Frames#STALE} and the daemon exits, so a rebuild or a switch of JDK never runs the old code.
 * java.base only (the thin client loads this).
 */
final class JarStamp {
    private JarStamp() {
    }

    /**
     * This process's stamp: of the jar named by the system property {@code postern.jar} (the thin client runs from
     * its own small jar, and names the launcher's), else of the first entry of its class path (the daemon's is the
     * launcher jar alone), and of java.home.
     */
    static String current() throws IOException {
        String first = System.getProperty("postern.jar");
        if (first == null) {
            first = System.getProperty("java.class.path", "").split(File.pathSeparator, 2)[0];
        }
        Path jar = Path.of(first).toAbsolutePath();
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        // java.vm.version, not Runtime.version(): its parsing spins lambdas, ~10% of the thin client's start
        // a StringBuilder, not '+': javac's string concatenation is an invokedynamic call site, and spinning its
        // method handles costs the thin client's cold JVM tens of milliseconds
        return new StringBuilder().append(jar).append(' ').append(a.size()).append(' ')
                .append(a.lastModifiedTime().toMillis()).append(' ').append(System.getProperty("java.home"))
                .append(' ').append(System.getProperty("java.vm.version")).toString();
    }
}
