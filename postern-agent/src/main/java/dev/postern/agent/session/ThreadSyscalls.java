package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The credential system calls, for the calling thread only. Linux keeps credentials per thread; glibc's
 * setgroups(), setresgid() and setresuid() change every thread of the process (they signal each one), which a
 * JVM serving many users must never do, so the raw system calls are made. Used to start a session's shell as
 * its user ({@link ThreadCredentials}) and to act as the user in SFTP and scp (the files package).
 */
public final class ThreadSyscalls {
    private static final Numbers NUMBERS = Numbers.of(System.getProperty("os.arch"));
    /** _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set. */
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_CLEAR_ALL = 4;
    private static final int EINVAL = 22;

    private ThreadSyscalls() {
    }

    /** True on the architectures whose system call numbers are known here (Linux amd64 and aarch64). */
    public static boolean available() {
        return NUMBERS != null;
    }

    /** setgroups(2) for this thread: {@code gids} become its supplementary groups (needs CAP_SETGID). */
    public static void setGroups(int[] gids) throws LastErrorException {
        Libc.C.syscall(numbers().setgroups(), gids.length, gids.length == 0 ? null : gids);
    }

    /** setresgid(2) for this thread: real, effective and saved gid become {@code gid}. */
    static void setAllGids(int gid) throws LastErrorException {
        Libc.C.syscall(numbers().setresgid(), gid, gid, gid);
    }

    /** setresuid(2) for this thread: real, effective and saved uid become {@code uid}. */
    static void setAllUids(int uid) throws LastErrorException {
        Libc.C.syscall(numbers().setresuid(), uid, uid, uid);
    }

    /**
     * Makes the calling thread the user {@code uid} for good, as a login shell is: real, effective and saved
     * uid and gid, the supplementary {@code groups}, and no capabilities at all (effective, permitted,
     * inheritable and ambient empty). A root thread cannot come back from this, so it must be a thread that
     * serves this user only and ends afterwards. The order is groups, gid, uid (the last drops the capabilities
     * the first two need); the inheritable set, which setresuid leaves alone, is emptied last. Everything is
     * read back: a thread left with any other id or any capability is refused.
     *
     * @throws IOException naming what could not be switched (the agent is not root, or the kernel refused)
     */
    public static void becomeUser(int uid, int gid, List<Integer> groups) throws IOException {
        if (uid == 0) {
            throw new IllegalArgumentException("becomeUser is for non-root users; uid 0 was passed");
        }
        int[] gids = groups.stream().mapToInt(Integer::intValue).toArray();
        try {
            setGroups(gids);
            setAllGids(gid);
            setAllUids(uid);
            clearAmbientCapabilities();
            Libc.C.syscall(numbers().capset(), new int[] {CAPABILITY_VERSION_3, 0}, new int[6]);
        } catch (LastErrorException e) {
            throw new IOException("cannot switch this thread to uid " + uid + " gid " + gid + ": "
                    + Posix.strerror(e.getErrorCode()) + "; the agent must run as root to act as other users", e);
        }
        checkBecame(uid, gid, gids);
    }

    private static void clearAmbientCapabilities() {
        try {
            Libc.C.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL) { // kernels before 4.3 have no ambient set, so nothing to clear
                throw e;
            }
        }
    }

    private static void checkBecame(int uid, int gid, int[] groups) throws IOException {
        int[] r = new int[1];
        int[] e = new int[1];
        int[] s = new int[1];
        Libc.C.getresuid(r, e, s);
        String uids = r[0] + "/" + e[0] + "/" + s[0];
        Libc.C.getresgid(r, e, s);
        String gids = r[0] + "/" + e[0] + "/" + s[0];
        int[] caps = new int[6];
        Libc.C.syscall(numbers().capget(), new int[] {CAPABILITY_VERSION_3, 0}, caps);
        int n = Libc.C.getgroups(0, null);
        int[] now = new int[Math.max(n, 0)];
        n = Libc.C.getgroups(now.length, now);
        int[] wanted = groups.clone();
        Arrays.sort(wanted);
        int[] got = Arrays.copyOf(now, Math.max(n, 0));
        Arrays.sort(got);
        String expected = uid + "/" + uid + "/" + uid;
        String expectedGids = gid + "/" + gid + "/" + gid;
        if (!uids.equals(expected) || !gids.equals(expectedGids) || Arrays.stream(caps).anyMatch(c -> c != 0)
                || !Arrays.equals(wanted, got)) {
            throw new IOException("switching this thread to uid " + uid + " gid " + gid + " left uids " + uids
                    + ", gids " + gids + ", groups " + Arrays.toString(got) + ", capability words "
                    + Arrays.toString(caps) + "; refusing to act as the user");
        }
    }

    private static Numbers numbers() {
        if (NUMBERS == null) {
            throw new IllegalStateException("no system call numbers for " + System.getProperty("os.arch")
                    + ": switching a thread's user needs Linux on amd64 or aarch64");
        }
        return NUMBERS;
    }

    /** From asm/unistd_64.h (amd64) and asm-generic/unistd.h (aarch64). */
    private record Numbers(long setgroups, long setresuid, long setresgid, long capget, long capset) {
        static Numbers of(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new Numbers(116, 117, 119, 125, 126);
                case "aarch64" -> new Numbers(159, 147, 149, 90, 91);
                default -> null;
            };
        }
    }
}
