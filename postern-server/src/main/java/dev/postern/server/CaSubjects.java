package dev.postern.server;

import dev.postern.store.Store;

/**
 * Refuses to certify a CA key: a certificate whose subject is a user or host CA key (of any org, current or
 * retired) would blur the line between the CA and the people and machines it vouches for.
 */
final class CaSubjects {
    private CaSubjects() {
    }

    /** Throws a 400 when {@code publicKeyLine} is a CA key known to the store; other lines pass untouched. */
    static void refuseCaKey(Store store, String publicKeyLine, String field) {
        String[] parts = publicKeyLine == null ? new String[0] : publicKeyLine.strip().split("\\s+");
        // every Postern CA key is Ed25519: other key types cannot match, and need no query
        if (parts.length < 2 || !parts[0].equals("ssh-ed25519")) {
            return;
        }
        if (store.authorities().isCaKey(parts[0] + " " + parts[1])) {
            String shown = parts[1].length() > 24 ? parts[1].substring(0, 20) + "..." : parts[1];
            throw ApiException.badRequest(field + " 'ssh-ed25519 " + shown + "' is the public key of an SSH CA"
                    + " (a user or host CA of an org, current or retired), which is never certified; certify your"
                    + " own key instead, e.g. one made with 'ssh-keygen -t ed25519'");
        }
    }
}
