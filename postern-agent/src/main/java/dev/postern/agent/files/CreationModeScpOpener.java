package dev.postern.agent.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.io.IoUtils;
import org.apache.sshd.scp.common.ScpFileOpener;
import org.apache.sshd.scp.common.helpers.DefaultScpFileOpener;
import org.apache.sshd.scp.common.helpers.ScpTimestampCommandDetails;

/**
 * MINA's legacy scp file access with OpenSSH scp's creation modes: a new file gets the mode of the scp
 * {@code C} line less the umask, a new directory the mode of its {@code D} line plus owner rwx less the umask
 * (MINA would create both with the JVM's umask alone). With {@code -p} the exact modes are set afterwards, by
 * MINA as by OpenSSH: that is the user's choice.
 */
final class CreationModeScpOpener extends DefaultScpFileOpener {
    private final Umask umask;

    CreationModeScpOpener(Umask umask) {
        this.umask = umask;
    }

    @Override
    public OutputStream openWrite(Session session, Path file, long size, Set<PosixFilePermission> permissions,
                                  OpenOption... options) throws IOException {
        Set<OpenOption> opts = new LinkedHashSet<>(List.of(resolveOpenOptions(session, file, size, permissions,
                options)));
        if (opts.isEmpty()) {
            opts.addAll(List.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
        }
        opts.add(StandardOpenOption.WRITE);
        return Channels.newOutputStream(Files.newByteChannel(file, opts, umask.creationMode(permissions, 0666)));
    }

    /** MINA's default, with the directory created with its mode instead of the JVM's umask alone. */
    @Override
    public Path resolveIncomingFilePath(Session session, Path localPath, String name, boolean preserve,
                                        Set<PosixFilePermission> permissions, ScpTimestampCommandDetails time)
            throws IOException {
        LinkOption[] options = IoUtils.getLinkOptions(true);
        Boolean status = IoUtils.checkFileExists(localPath, options);
        if (status == null) {
            throw new AccessDeniedException("Receive directory existence status cannot be determined: " + localPath);
        }
        Path file = null;
        if (status && Files.isDirectory(localPath, options)) {
            file = localPath.resolve(name);
        } else if (!status) {
            Path parent = localPath.getParent();
            status = IoUtils.checkFileExists(parent, options);
            if (status == null) {
                throw new AccessDeniedException("Receive directory parent (" + parent
                        + ") existence status cannot be determined for " + localPath);
            }
            if (status && Files.isDirectory(parent, options)) {
                file = localPath;
            }
        }
        if (file == null) {
            throw new IOException("Cannot write to " + localPath);
        }
        status = IoUtils.checkFileExists(file, options);
        if (status == null) {
            throw new AccessDeniedException("Receive directory file existence status cannot be determined: " + file);
        }
        if (!(status && Files.isDirectory(file, options))) {
            Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            if (permissions != null) {
                mode.addAll(permissions);
            }
            Files.createDirectory(file, umask.creationMode(permissions == null ? null : mode, 0777));
        }
        if (preserve) {
            ScpFileOpener.updateFileProperties(file, permissions, time);
        }
        return file;
    }
}
