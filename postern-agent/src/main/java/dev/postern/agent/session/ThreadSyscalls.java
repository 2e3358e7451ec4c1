package dev.postern.agent.session;

import com.sun.jna.LastErrorException;

/**
 * The credential system calls, for the calling thread only. Linux keeps credentials per thread; glibc's
 * setgroups(), setresgid() and setresuid() change every thread of the process (they signal each one), which a
 * JVM serving many users must never do, so the raw system calls are made. Used to start a session's shell as
 * its user ({@link ThreadCredentials}) and to act as the user in SFTP and scp (the files package).
 */
public final class ThreadSyscalls {
    private static final Numbers NUMBERS = Numbers.of(System.getProperty("os.arch"));

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

    private static Numbers numbers() {
        if (NUMBERS == null) {
            throw new IllegalStateException("no system call numbers for " + System.getProperty("os.arch")
                    + ": switching a thread's user needs Linux on amd64 or aarch64");
        }
        return NUMBERS;
    }

    /** From asm/unistd_64.h (amd64) and asm-generic/unistd.h (aarch64). */
    private record Numbers(long setgroups, long setresuid, long setresgid) {
        static Numbers of(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new Numbers(116, 117, 119);
                case "aarch64" -> new Numbers(159, 147, 149);
                default -> null;
            };
        }
    }
}
