package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which mounts a transfer thread covers, from mountinfo tables as the kernel writes them. A procfs the parser
 * missed (an escaped name, optional fields, a bind mount of a part of /proc) would stay open to the user.
 */
class ProcfsHidingTest {
    @Test
    void findsEveryProcfsMountWhateverItsOptionalFieldsAndDecodesEscapes() {
        List<String> mountinfo = List.of(
                "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
                "22 27 0:21 / /proc rw,relatime shared:12 master:3 - proc proc rw",
                "40 22 0:30 / /proc/sys/fs/binfmt_misc rw,relatime - binfmt_misc binfmt_misc rw",
                "41 27 0:21 /1/fd /srv/bound\\040fds rw,relatime - proc proc rw",
                "42 27 0:44 / /srv/back\\134slash rw - proc none rw",
                "43 27 0:45 / /srv/not-proc rw - tmpfs proc rw",
                "44 22 0:46 / /proc/inner rw - proc proc rw");

        assertThat(ProcfsHiding.procfsMountPoints(mountinfo))
                .containsExactly("/proc", "/srv/bound fds", "/srv/back\\slash", "/proc/inner");
    }

    @Test
    void coversTheOutermostOfNestedMountsOnceEach() {
        assertThat(ProcfsHiding.outermost(List.of("/proc/inner", "/proc", "/srv/p", "/proc", "/procx", "/srv/p/q")))
                .containsExactly("/proc", "/procx", "/srv/p");
    }
}
