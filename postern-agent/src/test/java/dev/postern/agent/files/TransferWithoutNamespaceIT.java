package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.postern.agent.LogCapture;
import dev.postern.agent.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An agent without CAP_SYS_ADMIN (an unprivileged container) cannot give transfer threads a mount namespace:
 * it says so once, naming the limitation, and transfers still run as the user, as before the namespace existed.
 * Transfer threads inherit the credentials of the thread that starts them, so a starter thread that dropped
 * CAP_SYS_ADMIN stands for such an agent without touching the rest of this JVM.
 */
class TransferWithoutNamespaceIT {
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    private static final int CAP_SYS_ADMIN = 21;

    private interface Caps extends Library {
        int capget(int[] header, int[] data) throws LastErrorException;

        int capset(int[] header, int[] data) throws LastErrorException;
    }

    @Test
    void withoutCapSysAdminTransfersWarnOnceAndStillRunAsTheUser() throws Exception {
        LocalUser alice = new LocalUser("alice", TestUsers.ALICE_UID, TestUsers.ALICE_UID, Path.of("/"), "/bin/sh",
                List.of(TestUsers.ALICE_UID));
        List<String> seen = new ArrayList<>();
        try (LogCapture log = new LogCapture(TransferThread.class.getName())) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    dropSysAdmin();
                    for (int i = 0; i < 2; i++) {
                        TransferThread.run("postern-sftp-nons", alice, Umask.DEFAULT, () -> seen.add(uidLine()));
                    }
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            }, "no-sys-admin");
            starter.start();
            done.get(60, TimeUnit.SECONDS);

            String uid = String.valueOf(TestUsers.ALICE_UID);
            // the work ran as alice, and (the limitation) her thread still sees /proc
            assertThat(seen).containsExactly(String.join("\t", uid, uid, uid, uid),
                    String.join("\t", uid, uid, uid, uid));
            assertThat(log.warnings()).filteredOn(w -> w.contains("/proc/self/fd")).singleElement()
                    .satisfies(w -> assertThat(w).contains("CAP_SYS_ADMIN").contains("unshare"));
        }
    }

    private static String uidLine() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().substring(4).trim();
        } catch (java.io.IOException e) {
            return "unreadable: " + e;
        }
    }

    /** Takes CAP_SYS_ADMIN out of this thread's effective and permitted sets (capset is per thread). */
    private static void dropSysAdmin() {
        Caps caps = Native.load("c", Caps.class);
        int[] header = {CAPABILITY_VERSION_3, 0};
        int[] data = new int[6];
        caps.capget(header, data);
        data[0] &= ~(1 << CAP_SYS_ADMIN);
        data[1] &= ~(1 << CAP_SYS_ADMIN);
        caps.capset(header, data);
    }
}
