package dev.postern.agent.files;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.apache.sshd.common.util.io.IoUtils;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * MINA's file access with OpenSSH sftp-server's creation modes: OPEN creates a new file with the permissions the
 * client sent (0666 when none) less the umask, and MKDIR a directory with its permissions (0777 when none) less
 * the umask. MINA itself would create the file and then chmod it to exactly what the client sent, so an
 * upload of a 0666 file stayed world-writable and {@code mkdir} gave 0777. Other attributes sent with OPEN are
 * ignored, as sftp-server does.
 */
final class CreationModeAccessor implements SftpFileSystemAccessor {
    private final Umask umask;

    CreationModeAccessor(Umask umask) {
        this.umask = umask;
    }

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                        Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        // the default drops the attribute when the file exists: a mode applies to new files only
        return SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options,
                umask.creationMode(requestedPermissions(attrs), 0666));
    }

    @Override
    public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
        Set<PosixFilePermission> requested = subsystem instanceof UserSftpSubsystem user
                ? user.requestedDirectoryPermissions() : null;
        Files.createDirectory(path, umask.creationMode(requested, 0777));
    }

    @SuppressWarnings("unchecked")
    private static Set<PosixFilePermission> requestedPermissions(FileAttribute<?>... attrs) {
        for (FileAttribute<?> a : attrs) {
            if (IoUtils.PERMISSIONS_VIEW_ATTR.equals(a.name()) && a.value() instanceof Set<?>) {
                return (Set<PosixFilePermission>) a.value();
            }
        }
        return null;
    }
}
