package dev.postern.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The client's {@code config.json} in the Postern home directory: every saved login ({@link SavedContexts}).
 * The directory is created 0700 and the file 0600 from the start (written to a private temporary file, then
 * moved into place) because it holds bearer tokens. A file in the old one-login format
 * ({@code {"server","email","token"}}) is read as one context named after its server, and rewritten in the new
 * format at the next change.
 */
public final class ConfigFile {
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    public ConfigFile(Path posternHome) {
        this.dir = posternHome;
    }

    public Path path() {
        return dir.resolve("config.json");
    }

    /** The current context's login; empty when nobody is logged in or no context is current. */
    public Optional<ClientConfig> load() {
        return read().currentContext().map(SavedContext::login);
    }

    /**
     * Every saved context; empty when there is no file. Like ssh with its config under StrictModes, a file that
     * someone else could have written (not a regular file, another owner, or it or its directory writable by others)
     * or could read (it holds bearer tokens) is refused, never believed: whoever wrote it would choose the server the
     * next command sends a token and a certificate request to.
     */
    public SavedContexts read() {
        try {
            byte[] bytes = readTrusted();
            JsonNode tree = CliJson.MAPPER.readTree(bytes);
            if (tree != null && tree.has("token") && tree.has("server")) {
                ClientConfig old = CliJson.MAPPER.treeToValue(tree, ClientConfig.class);
                SavedContext only = new SavedContext(ContextNames.fromServer(old.server()), old.server(), old.email(),
                        old.token(), null);
                return new SavedContexts(only.name(), List.of(only));
            }
            return CliJson.MAPPER.treeToValue(tree, SavedContexts.class);
        } catch (NoSuchFileException e) {
            return SavedContexts.empty();
        } catch (CliException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + path() + " (" + e.getMessage()
                    + "); delete it and log in again with 'postern auth login --server URL --token T'", e);
        }
    }

    /**
     * The file's bytes, checked before and after the read as {@link #read} says.
     *
     * @throws NoSuchFileException when there is none
     * @throws CliException when it is not trusted
     */
    byte[] readTrusted() throws IOException {
        if (Files.exists(path(), LinkOption.NOFOLLOW_LINKS)) {
            refuseUntrusted(); // before the read too: a link or a FIFO is never opened
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path(), LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readAllBytes();
        }
        // and after it: a file put in place after the check above (by whoever may write the directory) is judged
        refuseUntrusted();
        return bytes;
    }

    private void refuseUntrusted() {
        Optional<String> why = PrivateFiles.untrusted(path(), true);
        if (why.isPresent()) {
            throw new CliException(ExitCodes.FAILURE, "refusing to read " + path() + ": " + why.get()
                    + "; it holds your logins' tokens. If it is yours, make it private with 'chmod 600 "
                    + path() + "' and 'chmod 700 " + path().toAbsolutePath().getParent() + "'; otherwise"
                    + " delete it and log in again with 'postern auth login --server URL --token T'");
        }
    }

    /** Saves a login as the context named after its server and makes it current (keeping its default org). */
    public void save(ClientConfig config) {
        SavedContexts all = read();
        String name = ContextNames.fromServer(config.server());
        Optional<SavedContext> was = all.find(name);
        write(all.with(new SavedContext(name, config.server(), config.email(), config.token(),
                was.map(SavedContext::org).orElse(null), was.map(SavedContext::fingerprint).orElse(null)), true));
    }

    /** Forgets the current context only; true when there was one. */
    public boolean delete() {
        SavedContexts all = read();
        if (all.current() == null) {
            return false;
        }
        write(all.without(all.current()));
        return true;
    }

    /** Writes every context, replacing the file atomically; with none left, deletes the file. */
    public void write(SavedContexts contexts) {
        try {
            if (contexts.contexts().isEmpty()) {
                Files.deleteIfExists(path());
                return;
            }
            ensureDir(dir);
            Path tmp = Files.createTempFile(dir, ".config", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
            try {
                Files.write(tmp, CliJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(contexts));
                move(tmp, path());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + path() + ": " + e.getMessage(), e);
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
