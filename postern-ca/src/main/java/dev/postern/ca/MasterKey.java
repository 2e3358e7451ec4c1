package dev.postern.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Finds the 32-byte master key that seals CA private keys: from {@code POSTERN_MASTER_KEY} when set,
 * otherwise from a key file in the data directory, created on first start.
 *
 * <pre>{@code
 * byte[] key = MasterKey.loadOrCreate(dataDir.resolve("master.key"), System.getenv("POSTERN_MASTER_KEY"));
 * }</pre>
 *
 * <p>The file holds the base64 of 32 random bytes and a newline. It is created with mode 0600 from its first
 * byte (written to a private temporary file, then linked into place), and a file that others can read is
 * refused, as ssh refuses a private key with loose permissions.
 */
public final class MasterKey {
    /** The environment variable that, when set, supplies the master key and wins over the file. */
    public static final String ENV_VARIABLE = "POSTERN_MASTER_KEY";

    private static final String GENERATE_HINT = "generate one with 'head -c 32 /dev/urandom | base64'";
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private MasterKey() {
    }

    /**
     * Returns the master key: decoded from {@code envValue} when it is non-null, else read from {@code file},
     * else freshly generated and written to {@code file}.
     *
     * @throws IllegalArgumentException when {@code envValue} or the file content is not base64 of 32 bytes,
     *                                  or the file is readable by group or others
     * @throws UncheckedIOException     when the file cannot be read or created
     */
    public static byte[] loadOrCreate(Path file, String envValue) {
        if (envValue != null) {
            return fromEnv(envValue);
        }
        if (file == null) {
            throw new IllegalArgumentException("no master key: set " + ENV_VARIABLE + " or give a key file path");
        }
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            return create(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create master key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] fromEnv(String envValue) {
        // never quote the value: it is the secret itself
        byte[] key;
        try {
            key = Base64.getDecoder().decode(envValue.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_VARIABLE + " is not valid base64 (" + e.getMessage()
                    + "); it must be the base64 of 32 random bytes; " + GENERATE_HINT);
        }
        if (key.length != KeySealer.KEY_BYTES) {
            throw new IllegalArgumentException(ENV_VARIABLE + " must decode to " + KeySealer.KEY_BYTES
                    + " bytes, got " + key.length + " bytes; " + GENERATE_HINT);
        }
        return key;
    }

    private static byte[] read(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (!FILE_MODE.containsAll(mode)) {
            throw new IllegalArgumentException("master key file " + file + " has mode "
                    + PosixFilePermissions.toString(mode) + ", readable by others; fix it with 'chmod 600 " + file
                    + "' (and consider the key compromised if others could read it)");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("master key file " + file + " does not hold base64 ("
                    + e.getMessage() + "); restore it from backup, or, if no CA was ever created with it, delete it"
                    + " so a new one is generated");
        }
        if (key.length != KeySealer.KEY_BYTES) {
            throw new IllegalArgumentException("master key file " + file + " holds " + key.length
                    + " bytes, expected " + KeySealer.KEY_BYTES + "; restore it from backup, or, if no CA was ever"
                    + " created with it, delete it so a new one is generated");
        }
        return key;
    }

    private static byte[] create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        byte[] key = new byte[KeySealer.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);

        // created 0600 before the first byte is written, synced, then linked into place: a crash never
        // leaves a half-written key under the real name, and a concurrent creator's key is never replaced
        Path tmp = Files.createTempFile(dir, ".master-key-", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(text));
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return read(file);
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(file)) {
                    return read(file);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return key;
    }
}
