package dev.postern.agent.files;

import dev.postern.agent.session.AuditLog;
import dev.postern.agent.session.AuditRecord;
import dev.postern.ssh.CertificateGrant;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.io.IoUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's SFTP subsystem on the real file system, starting in the user's home and doing every file
 * operation on a thread of its own that acts as the login user ({@link TransferThread}).
 */
final class UserSftpSubsystem extends SftpSubsystem {
    private static final Logger LOG = LoggerFactory.getLogger(UserSftpSubsystem.class);
    private final TransferUser user;
    private final SftpLimits limits;
    /** The permissions of the MKDIR being served, for {@link CreationModeAccessor}; one request at a time. */
    private Set<PosixFilePermission> mkdirPermissions;

    UserSftpSubsystem(ChannelSession channel, SftpSubsystemConfigurator configurator, TransferUser user) {
        super(channel, configurator);
        this.user = user;
        this.limits = SftpLimits.of(channel);
        limits.pinOn(channel.getSession());
    }

    /** Replies go out gathered ({@link SftpReplyStream}) instead of one channel write each. */
    @Override
    public void setIoOutputStream(IoOutputStream channelOut) {
        this.out = new SftpReplyStream(channelOut, limits.maxQueued(), limits.maxWait());
    }

    @Override
    public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) throws IOException {
        // The server-wide factory (NativeFileSystemFactory assumes /home/<user>) is ignored on purpose:
        // paths are the machine's own, and "." is the home from /etc/passwd.
        setFileSystem(FileSystems.getDefault());
    }

    @Override
    public void setFileSystem(FileSystem fileSystem) {
        super.setFileSystem(fileSystem);
        this.defaultDir = user.user().home();
    }

    /**
     * MINA's reply is written into the request's buffer after {@code clear()}, which zero-fills all of it: for
     * every WRITE that is 32 KiB or more of file data wiped to send a 28-byte STATUS (a seventh of the SFTP
     * thread's CPU samples during a 1 GiB put). The buffer is dropped after the reply, so reset it without the
     * wipe.
     */
    @Override
    protected Buffer prepareReply(Buffer buffer) {
        buffer.clear(false);
        buffer.putUInt(0L); // the length, filled in by send()
        return buffer;
    }

    /** MINA would mkdir and then chmod to the client's mode; the mode goes to the mkdir instead, less the umask. */
    @Override
    @SuppressWarnings("unchecked")
    protected void doMakeDirectory(int id, String path, Map<String, ?> attrs) throws IOException {
        Map<String, Object> others = new LinkedHashMap<>(attrs);
        mkdirPermissions = (Set<PosixFilePermission>) others.remove(IoUtils.PERMISSIONS_VIEW_ATTR);
        try {
            super.doMakeDirectory(id, path, others);
        } finally {
            mkdirPermissions = null;
        }
    }

    Set<PosixFilePermission> requestedDirectoryPermissions() {
        return mkdirPermissions;
    }

    @Override
    public void run() {
        // One audit line when the SFTP session starts and one when it ends, like shell and exec sessions.
        ServerSession session = getServerSession();
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        AuditRecord who = new AuditRecord()
                .put("keyId", grant == null ? null : grant.keyId())
                .put("serial", grant == null ? null : grant.serial())
                .put("principal", session.getUsername())
                .put("source", String.valueOf(session.getClientAddress()))
                .put("command", "sftp");
        long started = System.nanoTime();
        AUDIT.write(copy(who).put("event", "session.start").put("pty", false));
        addSftpEventListener(counter);
        int exitCode = 0;
        try {
            user.run("sftp", super::run);
        } catch (IOException e) {
            exitCode = 1;
            LOG.warn("sftp refused for {}: {}", session, e.getMessage());
            callback.onExit(exitCode, e.getMessage());
        } finally {
            // files the client still had open when the session ended: it went away mid-transfer
            int unfinished = counter.unfinished.get();
            AUDIT.write(copy(who).put("event", "session.end").put("end", unfinished > 0 ? "interrupted" : "exit")
                    .put("interrupted", unfinished > 0).put("openFiles", unfinished).put("exitCode", exitCode)
                    .put("bytesIn", counter.written.get()).put("bytesOut", counter.read.get())
                    .put("durationMs", Duration.ofNanos(System.nanoTime() - started).toMillis()));
        }
    }

    private static AuditRecord copy(AuditRecord who) {
        AuditRecord r = new AuditRecord();
        for (String key : new String[] {"keyId", "serial", "principal", "source", "command"}) {
            r.put(key, who.get(key));
        }
        return r;
    }

    private static final AuditLog AUDIT = new AuditLog();
    private final ByteCounter counter = new ByteCounter();

    /**
     * File bytes the client wrote (in) and read (out) over this SFTP session, and the files it left open: MINA
     * reports each handle still open when the session ends ({@code exiting}), which is what a client that was
     * killed, lost its connection or was interrupted mid-transfer leaves behind; a finished transfer closes its file.
     */
    private static final class ByteCounter implements SftpEventListener {
        final AtomicLong written = new AtomicLong();
        final AtomicLong read = new AtomicLong();
        final AtomicInteger unfinished = new AtomicInteger();

        @Override
        public void exiting(ServerSession session, Handle handle) {
            if (handle instanceof FileHandle) {
                unfinished.incrementAndGet();
            }
        }

        @Override
        public void read(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
                         int dataOffset, int dataLen, int readLen, Throwable thrown) {
            if (readLen > 0) {
                read.addAndGet(readLen);
            }
        }

        @Override
        public void written(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                            byte[] data, int dataOffset, int dataLen, Throwable thrown) {
            if (thrown == null) {
                written.addAndGet(dataLen);
            }
        }
    }
}
