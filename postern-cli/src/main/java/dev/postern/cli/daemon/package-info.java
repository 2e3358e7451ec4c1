/**
 * The CLI daemon: a long-lived JVM of the person's own ({@link dev.postern.cli.daemon.CliDaemon}) that runs the short
 * read-only API commands the {@code postern} launcher hands it through a thin client
 * ({@link dev.postern.cli.daemon.ThinClient}, java.base only) over {@code $POSTERN_HOME/run/cli.sock}, and
 * {@code postern daemon status|stop} ({@link dev.postern.cli.daemon.DaemonCommand}).
 *
 * <pre>
 *  launcher ─▶ ThinClient ──request (args, env, cwd, charset, jar stamp)──▶ CliDaemon
 *                  ◀── ACCEPTED | STALE | BUSY ──                               │
 *                  ── GO ──▶                                  Main.runWithoutWarmup(client's env)
 *                  ◀── STDOUT / STDERR frames ... EXIT code ──                   │
 *  exit 200 before ACCEPTED: the launcher runs the command in a JVM of its own; after it: never again.
 * </pre>
 *
 * <p>The boundary: {@code run/} is the person's own 0700 directory ({@link dev.postern.cli.daemon.RunDir}); both ends
 * check the other's uid with {@code SO_PEERCRED}. docs/CLI.md "The CLI daemon" and docs/SECURITY.md have the rules.
 */
package dev.postern.cli.daemon;
