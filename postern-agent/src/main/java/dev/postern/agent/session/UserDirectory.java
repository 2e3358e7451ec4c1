package dev.postern.agent.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a login name to the user a session runs as. The passwd file and its sibling group file are parsed by
 * us (no NSS): images are minimal, and re-reading small files per session picks up users added after the agent
 * started. The supplementary groups come from the group file too rather than from initgroups(3), which goes
 * through NSS: on this Debian ("files systemd") that took about 6 ms per session, more than the rest of an
 * {@code exec true} session, and it fails for users only the agent's passwd file knows.
 */
final class UserDirectory {
    private final Accounts accounts;

    UserDirectory(Accounts accounts) {
        this.accounts = accounts;
    }

    Optional<PasswdEntry> lookup(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * Resolves {@code login} to a runnable user.
     *
     * @throws LoginRefusedException when the user is unknown, is not the agent's own user while the agent is
     *     not root, or has no shell at all
     */
    LoginUser resolve(String login) throws LoginRefusedException {
        PasswdEntry entry = lookup(login).orElseThrow(() -> new LoginRefusedException(
                "postern: unknown user " + login + " on this machine: not in " + accounts.passwdFile()
                        + "; log in as an existing user (e.g. postern ssh console -u root, or ssh root@...) or add the"
                        + " user to the image", 1));
        SpawnIdentity identity;
        if (accounts.agentUid() == 0) {
            identity = entry.uid() == 0 ? null : new SpawnIdentity(entry.uid(), entry.gid(), groupsOf(entry));
        } else if (entry.uid() == accounts.agentUid()) {
            identity = null;
        } else {
            String self = entries().stream().filter(e -> e.uid() == accounts.agentUid()).map(PasswdEntry::name)
                    .findFirst().orElse("uid " + accounts.agentUid());
            throw new LoginRefusedException("postern: this agent runs as " + self + " (not root), so it can only"
                    + " log you in as " + self + ", not as " + login, 1);
        }
        return new LoginUser(entry, shellOf(entry), identity);
    }

    private String shellOf(PasswdEntry entry) throws LoginRefusedException {
        if (!entry.shell().isEmpty() && Files.isExecutable(Path.of(entry.shell()))) {
            return entry.shell();
        }
        if (Files.isExecutable(accounts.fallbackShell())) {
            return accounts.fallbackShell().toString();
        }
        String own = entry.shell().isEmpty() ? "" : " (and " + entry.name() + "'s shell " + entry.shell()
                + " is missing too)";
        throw new LoginRefusedException("no shell in this image: " + accounts.fallbackShell() + " not found" + own
                + "; add a shell to the image, or use sftp/scp, which need none", 127);
    }

    /** The user's primary gid and every group of {@link Accounts#groupFile()} that lists it as a member. */
    private List<Integer> groupsOf(PasswdEntry entry) {
        Set<Integer> gids = new LinkedHashSet<>();
        gids.add(entry.gid());
        for (String line : readLines(accounts.groupFile())) {
            String[] f = line.split(":", -1); // name:password:gid:member,member
            if (f.length >= 4 && !line.startsWith("#") && Arrays.asList(f[3].split(",")).contains(entry.name())) {
                try {
                    gids.add(Integer.parseInt(f[2]));
                } catch (NumberFormatException e) {
                    // a malformed line grants nothing
                }
            }
        }
        return List.copyOf(gids);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of(); // no group file: the primary group only
        }
    }

    private List<PasswdEntry> entries() {
        try {
            return Files.readAllLines(accounts.passwdFile()).stream().map(PasswdEntry::parse)
                    .flatMap(Optional::stream).toList();
        } catch (IOException e) {
            return List.of(); // no passwd file: every login is unknown, and says so
        }
    }
}
