package dev.postern.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file that bulk and SFTP transfers send, in the run's /dev/shm directory (so no disk is measured). */
final class Payload {
    private Payload() {
    }

    /** Creates (once) a file of {@code bytes} pseudo-random bytes; random so nothing can compress it. */
    static Path of(Rig rig, long bytes) throws IOException {
        Path file = rig.work.resolve("payload-" + bytes + ".bin");
        if (Files.exists(file) && Files.size(file) == bytes) {
            return file;
        }
        byte[] block = new byte[1 << 20];
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < block.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                block[i + j] = (byte) (v >>> (8 * j));
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                // rotate the block a little so repeated blocks differ
                block[(int) (left % block.length)] ^= (byte) left;
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return file;
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
