package dev.postern.agent.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Gives the calling thread a mount namespace of its own in which every procfs mount is covered by an empty,
 * read-only tmpfs, so that nothing of {@code /proc} (nor {@code /dev/fd}, a link into it) is reachable from it.
 *
 * <p>Why: a transfer thread is a thread of the agent's process, and the kernel lets any thread follow that
 * process's magic links ({@code /proc/self/fd/N}, {@code /proc/PID/task/T/fd/N}, {@code map_files}, {@code cwd},
 * {@code root}), which jump straight to a file and skip the permission checks of the directories above it. A
 * per-thread uid cannot hide them; a view of the file system without procfs does. The namespace belongs to the
 * thread and dies with it.
 *
 * <p>Must run as root (CAP_SYS_ADMIN) before the thread drops to the user, who then cannot unmount the cover.
 * The order matters: {@code unshare(CLONE_NEWNS | CLONE_FS)}, then every mount made private, so that no mount
 * made here propagates back to the host's namespace, and only then the covers.
 */
final class ProcfsHiding {
    private static final int CLONE_FS = 0x200;
    private static final int CLONE_NEWNS = 0x20000;
    private static final long MS_RDONLY = 1;
    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;
    private static final long MS_NOEXEC = 8;
    private static final long MS_REC = 0x4000;
    private static final long MS_PRIVATE = 1 << 18;
    private static final int MNT_DETACH = 2;
    private static final int ENOTDIR = 20;
    private static final Path OWN_MOUNTS = Path.of("/proc/thread-self/mountinfo");
    private static final LibC LIBC = load();

    private interface LibC extends Library {
        int unshare(int flags) throws LastErrorException;

        int mount(String source, byte[] target, String type, long flags, String data) throws LastErrorException;

        int umount2(byte[] target, int flags) throws LastErrorException;

        String strerror(int errno);
    }

    private ProcfsHiding() {
    }

    /**
     * Moves the calling thread into a new mount namespace without procfs. On failure the thread may be left in a
     * namespace of its own in which some procfs mounts are still visible, which is what it had before.
     *
     * @throws IOException naming the step that failed (e.g. no CAP_SYS_ADMIN, a seccomp filter or LSM forbidding
     *     namespaces or mounts)
     */
    static void hideFromThisThread() throws IOException {
        if (LIBC == null) {
            throw new IOException("the C library could not be loaded through JNA");
        }
        call("unshare(CLONE_NEWNS|CLONE_FS)", () -> LIBC.unshare(CLONE_NEWNS | CLONE_FS));
        call("making every mount private to the new namespace (mount / MS_REC|MS_PRIVATE)",
                () -> LIBC.mount(null, bytes("/"), null, MS_REC | MS_PRIVATE, null));
        List<String> points;
        try {
            // the thread's own mounts; /proc/self would be those of the process's main thread
            points = outermost(procfsMountPoints(Files.readAllLines(OWN_MOUNTS, StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new IOException("cannot list the procfs mounts in " + OWN_MOUNTS + ": " + e.getMessage(), e);
        }
        for (String point : points) {
            cover(point);
        }
    }

    private static void cover(String point) throws IOException {
        try {
            LIBC.mount("postern-no-proc", bytes(point), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    "mode=0555");
        } catch (LastErrorException e) {
            if (e.getErrorCode() != ENOTDIR) {
                throw failed("covering the procfs mount " + point + " with an empty tmpfs", e);
            }
            // a single procfs file bound onto a file: a tmpfs cannot sit there, so take the mount away instead
            call("unmounting the procfs file mount " + point, () -> LIBC.umount2(bytes(point), MNT_DETACH));
        }
    }

    /**
     * The mount points of procfs in a {@code mountinfo} table read as ISO-8859-1, decoded: field 5 is the mount
     * point (space, tab, newline and backslash as octal escapes), and the file-system type follows the lone "-".
     */
    static List<String> procfsMountPoints(List<String> mountinfo) {
        List<String> points = new ArrayList<>();
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            for (int i = 6; i + 1 < f.length; i++) {
                if (f[i].equals("-")) {
                    if (f[i + 1].equals("proc") && f.length > 4) {
                        points.add(unescape(f[4]));
                    }
                    break;
                }
            }
        }
        return points;
    }

    /** {@code points} without duplicates and without those under another one (covering the outer hides them). */
    static List<String> outermost(List<String> points) {
        List<String> kept = new ArrayList<>();
        for (String p : new TreeSet<>(points)) {
            if (kept.stream().noneMatch(k -> p.equals(k) || p.startsWith(k.endsWith("/") ? k : k + "/"))) {
                kept.add(p);
            }
        }
        return kept;
    }

    /** A path as the kernel takes it: mountinfo was read byte for byte (ISO-8859-1), whatever its encoding. */
    private static byte[] bytes(String path) {
        return (path + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        return from + 3 <= s.length() && s.substring(from, from + 3).chars().allMatch(c -> c >= '0' && c <= '7');
    }

    private interface Call {
        int run() throws LastErrorException;
    }

    private static void call(String step, Call call) throws IOException {
        try {
            call.run();
        } catch (LastErrorException e) {
            throw failed(step, e);
        }
    }

    private static IOException failed(String step, LastErrorException e) {
        return new IOException(step + " failed: " + LIBC.strerror(e.getErrorCode()) + " (errno " + e.getErrorCode()
                + ")", e);
    }

    private static LibC load() {
        try {
            return Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}
