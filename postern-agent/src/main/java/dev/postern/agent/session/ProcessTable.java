package dev.postern.agent.session;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live processes of each session id, read from /proc at one moment. Reading /proc costs a file per process, so
 * signalling many sessions at once (a stopping agent's, or a server's channels all closing) reads it once for all
 * of them rather than once per session: hundreds of sessions otherwise took the I/O thread seconds per round of
 * signals, longer than the stop waits for them.
 */
final class ProcessTable {
    private final Map<Integer, List<Integer>> bySession;

    private ProcessTable(Map<Integer, List<Integer>> bySession) {
        this.bySession = bySession;
    }

    /** Reads /proc now; empty without one (then only process-group signals reach a session). */
    static ProcessTable scan() {
        Map<Integer, List<Integer>> bySession = new HashMap<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                String stat;
                try {
                    stat = Posix.readStat(dir.resolve("stat"));
                } catch (IOException gone) {
                    continue; // exited while we looked
                }
                String[] f = Posix.fieldsAfterComm(stat);
                if (f.length > 3 && !f[0].equals("Z")) {
                    bySession.computeIfAbsent(Integer.parseInt(f[3]), s -> new ArrayList<>())
                            .add(Integer.parseInt(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return new ProcessTable(bySession);
    }

    /** Pids of the live (not zombie) processes whose session id is {@code sid}. */
    List<Integer> members(int sid) {
        return bySession.getOrDefault(sid, List.of());
    }
}
