package dev.postern.testing;

import java.time.Duration;
import java.util.List;

/**
 * Runs Debian 12's {@code ssh-audit} (2.5.0) against a server on loopback and picks out the (fail) and
 * (warn) lines that are not documented false positives (see postern-ssh/README-ssh-audit.md).
 *
 * <pre>{@code
 * String report = SshAudit.run(port);
 * assertThat(SshAudit.problems(report)).isEmpty();
 * }</pre>
 */
public final class SshAudit {
    /**
     * False positives of ssh-audit 2.5.0 (2021), whose algorithm database predates them:
     * mlkem768x25519-sha256 (OpenSSH 9.9, 2024) and sntrup761x25519-sha512 (the IANA name, OpenSSH 9.9) are
     * "unknown"; kex-strict-s-v00@openssh.com is the Terrapin (CVE-2023-48795) countermeasure marker, not a
     * key exchange, and is also "unknown"; sntrup761x25519-sha512@openssh.com is called "experimental",
     * but it has been OpenSSH's default key exchange since 9.0 (2022).
     */
    public static final List<String> ALLOWED = List.of(
            "(kex) mlkem768x25519-sha256 ",
            "(kex) sntrup761x25519-sha512 ",
            "(kex) kex-strict-s-v00@openssh.com ",
            "(kex) sntrup761x25519-sha512@openssh.com ");

    private SshAudit() {
    }

    /** The report of {@code ssh-audit --no-colors -p PORT 127.0.0.1}, without terminal escapes. */
    public static String run(int port) {
        ProcessResult r = Processes.run(Duration.ofSeconds(60),
                List.of("ssh-audit", "--no-colors", "-p", String.valueOf(port), "127.0.0.1"));
        String out = r.stdout().replaceAll("\u001B\\[[0-9;]*m", "");
        if (!out.contains("# key exchange algorithms")) {
            throw new AssertionError("ssh-audit did not audit 127.0.0.1:" + port + ": " + r);
        }
        return out;
    }

    /** The fail and warn lines of {@code report} that {@link #ALLOWED} does not excuse. */
    public static List<String> problems(String report) {
        return report.lines()
                .filter(l -> l.contains("(fail)") || l.contains("(warn)") || l.contains("[fail]") || l.contains("[warn]"))
                .filter(l -> ALLOWED.stream().noneMatch(l::startsWith))
                .toList();
    }
}
