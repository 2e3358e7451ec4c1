package dev.postern.cli.ssh;

/**
 * Work to do if the JVM ends (Ctrl-C, SIGTERM) while a transfer runs: remove the file being written and end the
 * progress line. Removed again when the transfer is over, so a finished command leaves nothing behind.
 */
final class ShutdownHook implements AutoCloseable {
    private final Thread thread;

    private ShutdownHook(Thread thread) {
        this.thread = thread;
    }

    static ShutdownHook install(Runnable onExit) {
        Thread t = new Thread(onExit, "postern-transfer-interrupted");
        Runtime.getRuntime().addShutdownHook(t);
        return new ShutdownHook(t);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; nothing to undo
        }
    }
}
