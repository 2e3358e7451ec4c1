package dev.postern.cli.client;

import java.net.HttpURLConnection;
import java.time.Duration;

/**
 * Ends an HTTP exchange at its deadline however its bytes come: a server that sends its status line or headers one
 * byte at a time, each within the socket's read timeout, would otherwise hold the CLI for as long as it likes (the
 * body's reads check the deadline themselves, the JDK's header parsing does not). At the deadline a daemon thread
 * disconnects the connection, which closes its socket under the blocked read. The thread sleeps until then, in no
 * native frame, and is interrupted when the exchange ends first.
 */
final class Cutoff {
    private final Thread timer;
    private volatile boolean fired;

    Cutoff(HttpURLConnection connection, Duration after) {
        timer = new Thread(() -> {
            try {
                Thread.sleep(after.toMillis());
            } catch (InterruptedException ended) {
                return;
            }
            fired = true;
            connection.disconnect();
        }, "postern-http-cutoff");
        timer.setDaemon(true);
        timer.start();
    }

    /** Whether the deadline passed and the connection was closed (a failure of the exchange is this, then). */
    boolean fired() {
        return fired;
    }

    /** The exchange ended: the connection is left alone. */
    void cancel() {
        timer.interrupt();
    }
}
