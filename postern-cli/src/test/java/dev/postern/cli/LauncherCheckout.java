package dev.postern.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A checkout laid out in a temporary directory for tests of the {@code postern} launcher script: the script, and a
 * jar whose manifest points at this build's classes, so no Maven build runs inside the test and the launcher does
 * not find it stale.
 */
public final class LauncherCheckout {
    private LauncherCheckout() {
    }

    /** Lays out {@code dir/repo} and returns the launcher script's path. */
    public static Path create(Path dir) throws IOException {
        Path repo = dir.resolve("repo");
        Path target = Files.createDirectories(repo.resolve("postern-cli/target"));
        Path script = repo.resolve("postern");
        Files.copy(Path.of("..", "postern"), script, StandardCopyOption.COPY_ATTRIBUTES);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(System.getProperty("java.class.path")
                .split(File.pathSeparator))
                // the product's classes and libraries only: the tests' logback-test.xml would hide the agent's log
                .filter(p -> !p.contains("test-classes")).map(p -> Path.of(p).toUri().toString())
                .collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(target.resolve("postern-cli-0.1.0-SNAPSHOT.jar"));
             JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return script;
    }
}
