package dev.postern.agent.session;

import java.util.Objects;

/** A granted "pty-req" (RFC 4254 section 6.2): the terminal type and initial size. */
record PtyRequest(String term, int columns, int rows) {
    PtyRequest {
        Objects.requireNonNull(term, "term");
    }
}
