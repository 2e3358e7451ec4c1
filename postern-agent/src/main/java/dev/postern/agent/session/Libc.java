package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the session layer needs (Linux, glibc). The JDK cannot poll a pipe, spawn a child with
 * a clean signal mask in its own session, or report whether a child died of a signal; these calls can.
 */
interface Libc extends Library {
    Libc C = Native.load("c", Libc.class);

    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;
    int O_RDWR = 2;
    int O_NOCTTY = 0400;
    int X_OK = 1;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int F_SETPIPE_SZ = 1031;
    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;
    int EINTR = 4;
    int EAGAIN = 11;
    int EIO = 5;
    int EPIPE = 32;
    int ECHILD = 10;
    int ESRCH = 3;
    short POSIX_SPAWN_SETPGROUP = 0x02;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    short POSIX_SPAWN_SETSID = 0x80;
    int P_PID = 1;
    int WEXITED = 4;
    int WNOHANG = 1;
    int WNOWAIT = 0x01000000;
    int CLD_EXITED = 1;
    int CLD_KILLED = 2;
    int CLD_DUMPED = 3;
    long SYS_PIDFD_OPEN = 434; // same number on x86_64 and aarch64
    long SYS_PIDFD_SEND_SIGNAL = 424; // likewise
    long TIOCSWINSZ = 0x5414;
    long TIOCGWINSZ = 0x5413;

    int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);

    int posix_spawn_file_actions_init(Pointer fa);

    int posix_spawn_file_actions_destroy(Pointer fa);

    int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_addchdir_np(Pointer fa, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    int sigdelset(Pointer set, int sig);

    int pipe2(int[] fds, int flags) throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    int close(int fd);

    int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    int kill(int pid, int sig);

    int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

    long syscall(long number, int arg1, int arg2) throws LastErrorException;

    long syscall(long number, int arg1, int[] arg2) throws LastErrorException;

    long syscall(long number, int arg1, int arg2, int arg3) throws LastErrorException;

    long syscall(long number, int[] arg1, int[] arg2) throws LastErrorException;

    long syscall(long number, long arg1, long arg2, long arg3, long arg4) throws LastErrorException;

    int getresuid(int[] ruid, int[] euid, int[] suid);

    int getresgid(int[] rgid, int[] egid, int[] sgid);

    int getgroups(int size, int[] list);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    int access(String path, int mode);

    int posix_openpt(int flags) throws LastErrorException;

    int grantpt(int fd);

    int unlockpt(int fd);

    int ptsname_r(int fd, byte[] buf, long len);

    int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

    int geteuid();

    String strerror(int errnum);

    int chown(String path, int uid, int gid);
}
