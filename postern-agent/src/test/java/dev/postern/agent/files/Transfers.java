package dev.postern.agent.files;

import dev.postern.agent.AgentFixture;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real OpenSSH sftp and scp clients against an {@link AgentFixture}, run in a local directory. */
final class Transfers {
    private Transfers() {
    }

    /** Runs {@code sftp -b} with {@code batch} as {@code login}; sftp stops at the first failing command. */
    static ProcessResult sftp(AgentFixture fx, Path cert, String login, Path local, String batch) {
        try {
            Path batchFile = Files.createTempFile(local, "batch", ".txt");
            Files.writeString(batchFile, batch);
            List<String> cmd = new ArrayList<>(List.of("sftp"));
            cmd.addAll(fx.clientOptions(login, cert));
            cmd.addAll(List.of("-b", batchFile.toString(), "127.0.0.1"));
            return Processes.run(Duration.ofSeconds(60), cmd, null, Map.of(), local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code scp ARGS} as {@code login}; pass {@code -O} for the legacy protocol. */
    static ProcessResult scp(AgentFixture fx, Path cert, String login, Path local, String... args) {
        List<String> cmd = new ArrayList<>(List.of("scp"));
        cmd.addAll(fx.clientOptions(login, cert));
        cmd.addAll(List.of(args));
        return Processes.run(Duration.ofSeconds(60), cmd, null, Map.of(), local);
    }

    /** Writes {@code content} to {@code file} with exactly {@code mode} (e.g. "rw-rw-rw-"), whatever the umask. */
    static Path write(Path file, String content, String mode) {
        try {
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The permission bits of {@code file} as "rwxr-xr-x". */
    static String mode(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
