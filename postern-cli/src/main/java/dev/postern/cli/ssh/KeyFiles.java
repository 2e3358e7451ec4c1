package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A key file PATH and its certificate PATH-cert.pub (the name the ssh client looks for next to
 * {@code -i PATH}). Files are written via a temporary file created with their final permissions, so the
 * private key is never readable by others, not even for a moment.
 */
record KeyFiles(Path key) {
    Path certificate() {
        return key.resolveSibling(key.getFileName() + "-cert.pub");
    }

    /**
     * Refuses, before anything is asked of the server, when a file would be replaced without
     * {@code --overwrite} or when the directory is missing.
     *
     * @param createDir true for ~/.ssh, which {@link #write} creates (0700) when missing
     */
    void checkWritable(boolean overwrite, boolean createDir) {
        Path dir = key.toAbsolutePath().getParent();
        if (!createDir && (dir == null || !Files.isDirectory(dir))) {
            throw CliException.usage("directory " + dir + " does not exist; create it or choose another PATH");
        }
        if (Files.isDirectory(key)) {
            throw CliException.usage("PATH " + key + " is a directory; give a file name, e.g. " + key.resolve("postern"));
        }
        if (!overwrite) {
            for (Path p : new Path[] {key, certificate()}) {
                if (Files.exists(p)) {
                    throw CliException.usage(p + " exists; pass --overwrite to replace it, or choose another PATH");
                }
            }
        }
    }

    void write(byte[] privateKey, String certificateLine) {
        try {
            PrivateFiles.createDirectory(key.toAbsolutePath().getParent());
            PrivateFiles.replace(key, privateKey, PrivateFiles.PRIVATE);
            PrivateFiles.replace(certificate(), (certificateLine.strip() + "\n").getBytes(StandardCharsets.UTF_8),
                    PrivateFiles.PUBLIC);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + key + ": " + e.getMessage(), e);
        }
    }
}
