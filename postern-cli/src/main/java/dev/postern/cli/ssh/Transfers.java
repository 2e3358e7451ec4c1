package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Copies files and trees between here and the machine over one {@link SftpClient}, the way {@code scp -r} does:
 * a directory is copied into an existing target directory under its own name, or becomes the target; symbolic
 * links are copied as links and never followed; an existing file is replaced only when asked. Every file is
 * written under a temporary name in its directory and renamed at the end, so an error or Ctrl-C never leaves a
 * half-written file under the final name.
 */
final class Transfers {
    static final int MAX_DEPTH = 64;
    /** The local copy loop's buffer; the SFTP request sizes come from {@link RequestSizes}. */
    static final int CHUNK = 64 * 1024;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private final SftpClient sftp;
    private final Progress progress;
    private final boolean overwrite;
    private final PartialFile partial = new PartialFile();
    private volatile boolean cancelled;
    /** Asked for on the first file copied ({@link RequestSizes}). */
    private RequestSizes sizes;

    Transfers(SftpClient sftp, Progress progress, boolean overwrite) {
        this.sftp = sftp;
        this.progress = progress;
        this.overwrite = overwrite;
    }

    /** Ctrl-C while the process ends: the file being written is removed, the progress line ended. */
    void interruptForExit() {
        cancelled = true;
        partial.interrupt();
        progress.interrupted();
    }

    /** Ctrl-C in the shell: the transfer in progress stops with an error, its temporary file removed. */
    void cancel() {
        cancelled = true;
    }

    void get(String remote, Path local, boolean recursive) throws IOException {
        cancelled = false;
        SftpClient.Attributes a = remoteStat(remote, true);
        if (a == null) {
            throw failure(Printable.escape(remote) + ": no such file or directory on the machine");
        }
        if (a.isDirectory()) {
            if (!recursive) {
                throw CliException.usage(Printable.escape(remote) + " is a directory on the machine; use -R to copy it");
            }
            getTree(remote, Files.isDirectory(local) ? local.resolve(remoteName(remote)) : local, 0);
            return;
        }
        if (!a.isRegularFile()) {
            throw failure(Printable.escape(remote) + " is not a regular file on the machine");
        }
        getFile(remote, Files.isDirectory(local) ? local.resolve(remoteName(remote)) : local, a);
    }

    void put(Path local, String remote, boolean recursive) throws IOException {
        cancelled = false;
        String name = localName(local);
        if (Files.isDirectory(local)) {
            if (!recursive) {
                throw CliException.usage(local + " is a directory; use -R to copy it");
            }
            putTree(local, isRemoteDir(remote) ? join(remote, name) : remote, 0);
            return;
        }
        if (!Files.isRegularFile(local)) {
            throw CliException.usage(local + " does not exist or is not a file");
        }
        putFile(local, isRemoteDir(remote) ? join(remote, name) : remote);
    }

    /** Every path under {@code root} (itself included), depth first, sorted. */
    List<String> find(String root) throws IOException {
        List<String> out = new ArrayList<>();
        find(root, out, 0);
        return out;
    }

    private void find(String path, List<String> out, int depth) throws IOException {
        out.add(path);
        if (depth >= MAX_DEPTH || !sftp.lstat(path).isDirectory()) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (SftpClient.DirEntry e : list(path)) {
            if (!RemoteNames.isSelfOrParent(e.getFilename())) {
                names.add(e.getFilename());
            }
        }
        names.sort(null);
        for (String n : names) {
            find(join(path, n), out, depth + 1);
        }
    }

    private void getTree(String remote, Path local, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw failure(Printable.escape(remote) + " is nested deeper than " + MAX_DEPTH + " levels");
        }
        // a directory that is there already is merged into, like scp; a link in its place is never followed
        if (Files.isSymbolicLink(local) || Files.exists(local, NOFOLLOW) && !Files.isDirectory(local, NOFOLLOW)) {
            throw failure(local + " exists and is not a directory; not copying " + Printable.escape(remote) + " into it");
        }
        if (!Files.exists(local, NOFOLLOW)) {
            try {
                Files.createDirectory(local);
            } catch (IOException e) {
                throw failure(local + ": cannot create the directory: " + e.getMessage());
            }
        }
        List<SftpClient.DirEntry> entries = list(remote);
        for (SftpClient.DirEntry e : entries) {
            if (!RemoteNames.isSelfOrParent(e.getFilename())) {
                RemoteNames.check(remote, e.getFilename());
            }
        }
        for (SftpClient.DirEntry e : entries) {
            String n = e.getFilename();
            if (RemoteNames.isSelfOrParent(n)) {
                continue;
            }
            String child = join(remote, n);
            Path target = local.resolve(n);
            SftpClient.Attributes a = e.getAttributes();
            if (a.isSymbolicLink()) {
                getLink(child, target);
            } else if (a.isDirectory()) {
                getTree(child, target, depth + 1);
            } else if (a.isRegularFile()) {
                getFile(child, target, a);
            }
        }
    }

    private void getLink(String remote, Path local) throws IOException {
        String to = remoteCall(remote, () -> sftp.readLink(remote));
        refuseExisting(Files.exists(local, NOFOLLOW), local.toString());
        if (Files.exists(local, NOFOLLOW)) {
            Files.delete(local); // --overwrite: the link itself replaces what was there
        }
        try {
            Files.createSymbolicLink(local, Path.of(to));
        } catch (IOException | RuntimeException e) {
            throw failure(local + ": cannot create the link to " + Printable.escape(to) + ": " + e.getMessage());
        }
    }

    private void getFile(String remote, Path local, SftpClient.Attributes attrs) throws IOException {
        refuseExisting(Files.exists(local, NOFOLLOW), local.toString());
        if (Files.isDirectory(local, NOFOLLOW)) {
            throw failure(local + " is a directory; not replacing it with " + Printable.escape(remote));
        }
        Path dir = local.toAbsolutePath().getParent();
        Path tmp = dir.resolve(".postern-part-" + UUID.randomUUID());
        OutputStream opened;
        try {
            // created new (O_EXCL, 0600) in the target's own directory, so the rename is atomic and follows no link;
            // made and opened in one call, never through a link: whoever can rename in the directory may swap the
            // name, never what is written or whose mode is set (below)
            opened = Channels.newOutputStream(Files.newByteChannel(tmp, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, NOFOLLOW), PosixFilePermissions.asFileAttribute(permissions(0600))));
        } catch (IOException e) {
            throw failure(local + ": cannot write in " + dir + ": " + e.getMessage());
        }
        partial.begin(() -> Files.deleteIfExists(tmp));
        progress.start(remoteName(remote), attrs.getSize());
        try {
            try (OutputStream out = opened;
                 InputStream in = remoteCall(remote, () -> sftp.read(remote, sizes().read()))) {
                copy(in, out);
            }
            // by name again (NIO has no fchmod): a link swapped in meanwhile fails here instead of being followed
            Files.getFileAttributeView(tmp, PosixFileAttributeView.class, NOFOLLOW)
                    .setPermissions(permissions(attrs.getPermissions() & 0755));
            partial.commit(() -> Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE));
        } catch (IOException | RuntimeException e) {
            partial.discard();
            progress.interrupted();
            throw failure(Printable.escape(remote) + " -> " + local + ": " + message(e));
        }
        progress.finish();
    }

    private void putTree(Path local, String remote, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw failure(local + " is nested deeper than " + MAX_DEPTH + " levels");
        }
        SftpClient.Attributes there = remoteStat(remote, false);
        if (there != null && !there.isDirectory()) {
            throw failure(Printable.escape(remote) + " exists on the machine and is not a directory; not copying "
                    + local + " into it");
        }
        if (there == null) {
            remoteCall(remote, () -> {
                sftp.mkdir(remote);
                return null;
            });
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(local)) {
            children = s.sorted().toList();
        } catch (IOException e) {
            throw failure(local + ": cannot list the directory: " + e.getMessage());
        }
        for (Path c : children) {
            String child = join(remote, c.getFileName().toString());
            if (Files.isSymbolicLink(c)) {
                putLink(c, child);
            } else if (Files.isDirectory(c, NOFOLLOW)) {
                putTree(c, child, depth + 1);
            } else if (Files.isRegularFile(c, NOFOLLOW)) {
                putFile(c, child);
            }
        }
    }

    private void putLink(Path local, String remote) throws IOException {
        String to = Files.readSymbolicLink(local).toString();
        boolean exists = remoteStat(remote, false) != null;
        refuseExisting(exists, Printable.escape(remote) + " on the machine");
        remoteCall(remote, () -> {
            if (exists) {
                sftp.remove(remote);
            }
            sftp.symLink(remote, to);
            return null;
        });
    }

    private void putFile(Path local, String remote) throws IOException {
        SftpClient.Attributes there = remoteStat(remote, false);
        refuseExisting(there != null, Printable.escape(remote) + " on the machine");
        if (there != null && there.isDirectory()) {
            throw failure(Printable.escape(remote) + " is a directory on the machine; not replacing it with " + local);
        }
        String tmp = join(parentOf(remote), ".postern-part-" + UUID.randomUUID());
        progress.start(local.getFileName().toString(), Files.size(local));
        try {
            try (InputStream in = Files.newInputStream(local);
                 OutputStream out = remoteCall(tmp, () -> sftp.write(tmp, sizes().write(), SftpClient.OpenMode.Write,
                         SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
                partial.begin(() -> sftp.remove(tmp));
                copy(in, out);
            }
            partial.commit(() -> {
                if (there != null) {
                    sftp.remove(remote); // --overwrite; SFTP v3 servers cannot rename over a file
                }
                sftp.rename(tmp, remote);
            });
        } catch (IOException | RuntimeException e) {
            partial.discard();
            progress.interrupted();
            throw failure(local + " -> " + Printable.escape(remote) + ": " + message(e));
        }
        progress.finish();
    }

    private void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[CHUNK];
        for (int n; (n = in.read(buf)) >= 0; ) {
            if (cancelled) {
                throw new InterruptedIOException("interrupted");
            }
            out.write(buf, 0, n);
            progress.advance(n);
        }
    }

    private RequestSizes sizes() {
        if (sizes == null) {
            sizes = RequestSizes.of(sftp);
        }
        return sizes;
    }

    private void refuseExisting(boolean exists, String what) {
        if (exists && !overwrite) {
            throw failure(what + " exists; not replacing it (use --overwrite to replace it)");
        }
    }

    private List<SftpClient.DirEntry> list(String remote) throws IOException {
        return remoteCall(remote, () -> {
            List<SftpClient.DirEntry> entries = new ArrayList<>();
            try {
                sftp.readDir(remote).forEach(entries::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return entries;
        });
    }

    private interface RemoteCall<T> {
        T run() throws IOException;
    }

    /** Runs one SFTP request; a failure names {@code path}, which the server's message may not. */
    private static <T> T remoteCall(String path, RemoteCall<T> call) throws IOException {
        try {
            return call.run();
        } catch (SftpException e) {
            throw failure(Printable.escape(path) + " on the machine: " + e.getMessage());
        }
    }

    /** The attributes of {@code remote}, or null when it does not exist; any other failure names the path. */
    private SftpClient.Attributes remoteStat(String remote, boolean follow) throws IOException {
        try {
            return follow ? sftp.stat(remote) : sftp.lstat(remote);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw failure(Printable.escape(remote) + " on the machine: " + e.getMessage());
        }
    }

    private boolean isRemoteDir(String remote) {
        try {
            return sftp.stat(remote).isDirectory();
        } catch (IOException e) {
            return false;
        }
    }

    /** The name a remote file or directory is copied under: its canonical last element ("." names the home). */
    private String remoteName(String remote) throws IOException {
        String n = baseName(remote);
        if (n.isEmpty() || RemoteNames.isSelfOrParent(n)) {
            n = baseName(remoteCall(remote, () -> sftp.canonicalPath(remote)));
        }
        return RemoteNames.check(remote, n.isEmpty() ? "root" : n);
    }

    private static String localName(Path local) {
        Path name = local.toAbsolutePath().normalize().getFileName();
        return name == null ? "root" : name.toString();
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        for (int i = 0; i < all.length; i++) {
            if ((mode & (1 << (all.length - 1 - i))) != 0) {
                out.add(all[i]);
            }
        }
        out.add(PosixFilePermission.OWNER_READ);
        out.add(PosixFilePermission.OWNER_WRITE);
        return out;
    }

    private static String message(Throwable e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " appeared during the copy; not replacing it";
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file or directory";
        }
        return String.valueOf(e.getMessage());
    }

    private static CliException failure(String message) {
        return new CliException(ExitCodes.FAILURE, message);
    }

    static String parentOf(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        int slash = p.lastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : p.substring(0, slash);
    }

    static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    static String baseName(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
