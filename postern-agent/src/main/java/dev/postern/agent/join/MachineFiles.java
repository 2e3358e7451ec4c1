package dev.postern.agent.join;

import dev.postern.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import dev.postern.common.tls.Fingerprint;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** The files a joined machine keeps in its data dir. */
public record MachineFiles(Path dataDir) {
    public Path identity() {
        return dataDir.resolve("machine.json");
    }

    public Path hostCertificate() {
        return dataDir.resolve("ssh_host_ed25519_key-cert.pub");
    }

    public Path userCaKeys() {
        return dataDir.resolve("user_ca.pub");
    }

    public Path hostCaKey() {
        return dataDir.resolve("host_ca.pub");
    }

    public Path revocations() {
        return dataDir.resolve("revoked.krl");
    }

    /** The pin of the control plane's TLS key ({@code --fingerprint} at join), one line. */
    public Path serverPin() {
        return dataDir.resolve("server-fingerprint");
    }

    /** The pinned key every call to the control plane must see; empty: the system's trusted CAs. */
    public Optional<Fingerprint> pin() {
        if (!Files.exists(serverPin())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Fingerprint.parse(serverPin().toString(),
                    Files.readString(serverPin(), StandardCharsets.US_ASCII)));
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException("cannot read the pinned server key in " + serverPin() + " ("
                    + e.getMessage() + "); start the agent with --fingerprint sha256:... as 'postern server' prints it",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** Pins the control plane's key for every later call (0600, like the rest of the data dir). */
    public void savePin(Fingerprint pin) {
        writeText(serverPin(), pin.value() + "\n");
    }

    /** The stored identity, or empty when this machine has not joined yet. */
    public Optional<MachineIdentity> load() {
        if (!Files.exists(identity())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(identity().toFile(), MachineIdentity.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + identity() + " (" + e.getMessage() + "); remove the data dir"
                    + " " + dataDir + " and join again with a new token", e);
        }
    }

    void save(MachineIdentity id) {
        try {
            write(identity(), Json.mapper().writeValueAsBytes(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file atomically (temp file, then rename), 0600, so a reader never sees half of it. */
    public static void write(Path file, byte[] content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void writeText(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
