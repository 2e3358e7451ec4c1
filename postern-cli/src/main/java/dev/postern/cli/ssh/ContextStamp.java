package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * When {@code $POSTERN_HOME/config.json} (the login contexts) last changed, as far as a file's attributes tell:
 * modification time, size and inode. Taken at the start of a command and again before it writes something that
 * depends on which context was current, so a context switched in between is noticed.
 *
 * @param modified modification time in nanoseconds since the epoch; -1 when there is no file
 * @param size size in bytes; -1 when there is no file
 * @param fileKey the file's identity (device and inode), or "" when unknown
 */
record ContextStamp(long modified, long size, String fileKey) {
    static ContextStamp now(CliEnvironment env) {
        try {
            BasicFileAttributes a = Files.readAttributes(env.posternHome().resolve("config.json"),
                    BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new ContextStamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size(),
                    String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return new ContextStamp(-1, -1, "");
        }
    }
}
