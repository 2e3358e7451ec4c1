package dev.postern.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The client's {@code config.json} in the Postern home directory. The directory is created 0700 and the file
 * 0600 from the start (written to a private temporary file, then moved into place) because it holds a bearer
 * token.
 */
public final class ConfigFile {
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = Json.mapper();

    private final Path dir;

    public ConfigFile(Path posternHome) {
        this.dir = posternHome;
    }

    public Path path() {
        return dir.resolve("config.json");
    }

    /** The saved config; empty when nobody is logged in. */
    public Optional<ClientConfig> load() {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(path()), ClientConfig.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + path() + " (" + e.getMessage()
                    + "); delete it and log in again with 'postern auth login --server URL --token T'", e);
        }
    }

    /** Writes the config, replacing the old one atomically. */
    public void save(ClientConfig config) {
        try {
            ensureDir(dir);
            Path tmp = Files.createTempFile(dir, ".config", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
            try {
                Files.write(tmp, JSON.writeValueAsBytes(config));
                move(tmp, path());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + path() + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the login; true when there was one. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(path());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot delete " + path() + ": " + e.getMessage(), e);
        }
    }

    static void ensureDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
