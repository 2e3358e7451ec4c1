package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code get -R} from a hostile machine: its SFTP server lists entries named {@code ../x} or {@code a/b}, the
 * classic path traversal of SCP/SFTP clients (CVE-2019-6111, CVE-2018-20685). The copy must refuse the name
 * and write nothing outside, or anything at all, for that tree. And a machine that drops the connection
 * mid-download must not leave a partial file under the final name.
 */
class HostileListingIT {
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void aListedNameThatLeavesTheDirectoryIsRefused(@TempDir Path dir) throws Exception {
        for (String evil : List.of("../escaped", "a/b", "/escaped")) {
            Path root = dir.resolve("root-" + Math.abs(evil.hashCode()));
            Files.createDirectories(root.resolve("tree"));
            Files.writeString(root.resolve("tree/good.txt"), "fine");
            Files.writeString(root.resolve("tree/evil"), "owned");
            Path into = Files.createDirectories(dir.resolve("into-" + Math.abs(evil.hashCode())));
            Path target = into.resolve("copy");
            withHostileServer(root, evil, sftp -> {
                Transfers t = new Transfers(sftp, new Progress(new PrintStream(PrintStream.nullOutputStream()),
                        Clock.systemUTC(), false), true);
                assertThatThrownBy(() -> t.get("/tree", target, true)).isInstanceOf(CliException.class)
                        .hasMessageContaining("'" + evil.replace("\\", "\\\\") + "'").hasMessageContaining("/tree")
                        .hasMessageContaining("refusing");
            });
            assertThat(Files.exists(into.resolve("escaped"))).as(evil).isFalse();
            assertThat(Files.exists(target.resolve("a"))).as(evil).isFalse();
            assertThat(list(into)).as("only the empty directory the copy made, for " + evil).containsExactly(target);
            assertThat(list(target)).as(evil).isEmpty();
        }
    }

    /** The machine drops the connection mid-download: an error, and neither the file nor its temporary remain. */
    @Test
    void aConnectionLostMidGetLeavesNoFileAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(16L << 30); // sparse; far more than can be copied before the cut
        }
        Path into = Files.createDirectories(dir.resolve("into"));
        SshServer[] server = new SshServer[1];
        Throwable[] failure = new Throwable[1];
        withServer(root, "evil", s -> server[0] = s, sftp -> {
            Transfers t = new Transfers(sftp, new Progress(new PrintStream(PrintStream.nullOutputStream()),
                    Clock.systemUTC(), false), false);
            Thread get = new Thread(() -> {
                try {
                    t.get("/big.bin", into, false);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            get.start();
            long deadline = System.nanoTime() + T.toNanos();
            while (size(into) < (1 << 20) && get.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(size(into)).as("the download was under way").isGreaterThanOrEqualTo(1 << 20);
            server[0].stop(true);
            get.join(T.toMillis());
            assertThat(get.isAlive()).isFalse();
        });
        assertThat(failure[0]).isInstanceOf(CliException.class).hasMessageContaining("/big.bin")
                .hasMessageContaining(into.resolve("big.bin").toString());
        assertThat(list(into)).as("no big.bin, no .postern-part-*").isEmpty();
    }

    /**
     * Another local user who can rename in the target's directory swaps the temporary file for a link to a file of
     * the person's while it is written (the moment is the machine's first read request). Before, the mode was then set
     * through the link ({@code Files.setPosixFilePermissions} follows it): the person's 0600 file became the
     * machine's 0644. Now nothing is written, opened or changed through a link, and the get fails.
     */
    @Test
    void aLinkSwappedInForTheTemporaryFileIsNeverFollowed(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("data.bin"), new byte[4 * Transfers.CHUNK]);
        Files.setPosixFilePermissions(root.resolve("data.bin"), PosixFilePermissions.fromString("rw-r--r--"));
        Path victim = Files.writeString(dir.resolve("secret"), "the person's\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path into = Files.createDirectories(dir.resolve("into"));
        Runnable swap = () -> {
            try (Stream<Path> parts = Files.list(into)) {
                Path tmp = parts.filter(p -> p.getFileName().toString().startsWith(".postern-part-")).findFirst()
                        .orElseThrow();
                Files.move(tmp, dir.resolve("moved-away"));
                Files.createSymbolicLink(tmp, victim);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        withServer(root, "evil", swap, s -> { }, sftp -> {
            Transfers t = new Transfers(sftp, new Progress(new PrintStream(PrintStream.nullOutputStream()),
                    Clock.systemUTC(), false), false);
            assertThatThrownBy(() -> t.get("/data.bin", into, false)).isInstanceOf(CliException.class)
                    .hasMessageContaining("/data.bin");
        });
        assertThat(dir.resolve("moved-away")).as("the swap happened").exists();
        assertThat(Files.readString(victim)).isEqualTo("the person's\n");
        assertThat(Files.getPosixFilePermissions(victim)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(list(into)).as("no data.bin, no link left").isEmpty();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    private interface Work {
        void run(SftpClient sftp) throws Exception;
    }

    /** A MINA SFTP server over {@code root} that renames the entry "evil" to {@code evilName} in every listing. */
    private static void withHostileServer(Path root, String evilName, Work work) throws Exception {
        withServer(root, evilName, s -> { }, work);
    }

    private static void withServer(Path root, String evilName, java.util.function.Consumer<SshServer> started, Work work)
            throws Exception {
        withServer(root, evilName, () -> { }, started, work);
    }

    /** ... and runs {@code onFirstRead} on the server as the first read request comes in, before answering it. */
    private static void withServer(Path root, String evilName, Runnable onFirstRead,
                                   java.util.function.Consumer<SshServer> started, Work work) throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(root.resolveSibling(root.getFileName() + ".key")));
        server.setPasswordAuthenticator((user, password, session) -> true);
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory() {
            @Override
            public Command createSubsystem(ChannelSession channel) throws IOException {
                return new SftpSubsystem(channel, this) {
                    private boolean read;

                    @Override
                    protected void doRead(Buffer buffer, int id) throws IOException {
                        if (!read) {
                            read = true;
                            onFirstRead.run();
                        }
                        super.doRead(buffer, id);
                    }

                    @Override
                    protected void writeDirEntry(int id, DirectoryHandle dir, Map<String, Path> entries, Buffer buffer,
                                                 int index, Path f, String shortName, LinkOption... options)
                            throws IOException {
                        super.writeDirEntry(id, dir, entries, buffer, index, f,
                                shortName.equals("evil") ? evilName : shortName, options);
                    }
                };
            }
        }));
        server.start();
        started.accept(server);
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect("someone", "127.0.0.1", server.getPort()).verify(T).getSession()) {
                session.addPasswordIdentity("any");
                session.auth().verify(T);
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                    work.run(sftp);
                }
            }
        } finally {
            server.stop(true);
        }
    }
}
