package dev.postern.agent.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.postern.agent.session.ThreadSyscalls;
import java.util.Arrays;
import java.util.List;

/**
 * Switches the filesystem identity (fsuid, fsgid, supplementary groups) of the <em>calling thread only</em>.
 *
 * <p>Why: when the agent runs as root, in-process SFTP and scp must act as the login user, so that the
 * kernel both checks that user's permissions and makes that user own what it creates. Linux keeps
 * credentials per thread; setfsuid(2)/setfsgid(2) change only the filesystem ids (and drop
 * CAP_DAC_OVERRIDE and friends while the fsuid is not 0), which is how knfsd and Samba serve many users from
 * one root process. The groups are set with {@link ThreadSyscalls}, which change the calling thread only.
 * Only threads dedicated to one transfer (MINA's per-subsystem and per-scp-command executors) are switched,
 * and they are switched back before they finish.
 */
final class ThreadFsIdentity {
    private interface LibC extends Library {
        int setfsuid(int uid);

        int setfsgid(int gid);

        int geteuid();

        int getgroups(int size, int[] list);
    }

    private static final LibC LIBC = load();

    private ThreadFsIdentity() {
    }

    /** True when this JVM can switch thread identities (Linux on amd64 or aarch64 with JNA). */
    static boolean available() {
        return LIBC != null && ThreadSyscalls.available();
    }

    /** The effective uid of the agent process. */
    static int effectiveUid() {
        if (LIBC == null) {
            throw new IllegalStateException("cannot read the agent's uid: the C library could not be loaded through JNA");
        }
        return LIBC.geteuid();
    }

    /** Runs {@code work} on this thread with {@code user}'s filesystem identity, then restores root's. */
    static void runAs(LocalUser user, Runnable work) {
        if (!available()) {
            throw new IllegalStateException("cannot act as user " + user.name()
                    + ": per-thread identity switching needs Linux on amd64/aarch64 and JNA");
        }
        int[] saved = currentGroups();
        setGroups(user.groups().stream().mapToInt(Integer::intValue).toArray());
        try {
            LIBC.setfsgid(user.gid());
            LIBC.setfsuid(user.uid());
            // setfsuid/setfsgid report no errors; asking with an invalid id returns the current one
            int fsuid = LIBC.setfsuid(-1);
            int fsgid = LIBC.setfsgid(-1);
            if (fsuid != user.uid() || fsgid != user.gid()) {
                throw new IllegalStateException("could not switch to " + user.uid() + ":" + user.gid()
                        + " for user " + user.name() + " (now " + fsuid + ":" + fsgid + "); is the agent root?");
            }
            work.run();
        } finally {
            LIBC.setfsuid(0);
            LIBC.setfsgid(0);
            setGroups(saved);
        }
    }

    private static int[] currentGroups() {
        int n = LIBC.getgroups(0, null);
        int[] groups = new int[Math.max(n, 0)];
        if (n > 0) {
            n = LIBC.getgroups(n, groups);
        }
        return n < 0 ? new int[0] : Arrays.copyOf(groups, n);
    }

    private static void setGroups(int[] groups) {
        try {
            ThreadSyscalls.setGroups(groups);
        } catch (LastErrorException e) {
            throw new IllegalStateException("setgroups(" + List.of(Arrays.stream(groups).boxed().toArray())
                    + ") failed with errno " + e.getErrorCode() + "; is the agent root?", e);
        }
    }

    private static LibC load() {
        try {
            return Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}
