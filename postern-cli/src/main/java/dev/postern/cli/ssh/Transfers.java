package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;

/** Copies files and trees between here and the machine over one {@link SftpClient}. */
final class Transfers {
    static final int MAX_DEPTH = 64;
    private final SftpClient sftp;
    private final Progress progress;

    Transfers(SftpClient sftp, Progress progress) {
        this.sftp = sftp;
        this.progress = progress;
    }

    void get(String remote, Path local, boolean recursive) throws IOException {
        SftpClient.Attributes a = sftp.stat(remote);
        if (a.isDirectory()) {
            if (!recursive) {
                throw CliException.usage(remote + " is a directory on the machine; use -R to copy it");
            }
            getTree(remote, local, 0);
            return;
        }
        Path target = Files.isDirectory(local) ? local.resolve(baseName(remote)) : local;
        getFile(remote, target, a.getSize());
    }

    void put(Path local, String remote, boolean recursive) throws IOException {
        if (Files.isDirectory(local)) {
            if (!recursive) {
                throw CliException.usage(local + " is a directory; use -R to copy it");
            }
            putTree(local, remote, 0);
            return;
        }
        if (!Files.isRegularFile(local)) {
            throw CliException.usage(local + " does not exist or is not a file");
        }
        String target = isRemoteDir(remote) ? join(remote, local.getFileName().toString()) : remote;
        putFile(local, target);
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
        for (SftpClient.DirEntry e : sftp.readDir(path)) {
            if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
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
            throw CliException.usage(remote + " is nested deeper than " + MAX_DEPTH + " levels");
        }
        Files.createDirectories(local);
        for (SftpClient.DirEntry e : sftp.readDir(remote)) {
            String n = e.getFilename();
            if (n.equals(".") || n.equals("..") || n.contains("/")) {
                continue;
            }
            String child = join(remote, n);
            SftpClient.Attributes a = e.getAttributes();
            if (a.isDirectory()) {
                getTree(child, local.resolve(n), depth + 1);
            } else if (a.isRegularFile()) {
                getFile(child, local.resolve(n), a.getSize());
            }
        }
    }

    private void putTree(Path local, String remote, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw CliException.usage(local + " is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (!isRemoteDir(remote)) {
            sftp.mkdir(remote);
        }
        try (Stream<Path> children = Files.list(local)) {
            for (Path c : children.sorted().toList()) {
                String child = join(remote, c.getFileName().toString());
                if (Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    putTree(c, child, depth + 1);
                } else if (Files.isRegularFile(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    putFile(c, child);
                }
            }
        }
    }

    private void getFile(String remote, Path local, long size) throws IOException {
        progress.start(baseName(remote), size);
        try (InputStream in = sftp.read(remote); OutputStream out = Files.newOutputStream(local)) {
            copy(in, out);
        }
        progress.finish();
    }

    private void putFile(Path local, String remote) throws IOException {
        progress.start(local.getFileName().toString(), Files.size(local));
        try (InputStream in = Files.newInputStream(local); OutputStream out = sftp.write(remote)) {
            copy(in, out);
        }
        progress.finish();
    }

    private void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[32 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            progress.advance(n);
        }
    }

    private boolean isRemoteDir(String remote) {
        try {
            return sftp.stat(remote).isDirectory();
        } catch (IOException e) {
            return false;
        }
    }

    static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    static String baseName(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
