/**
 * The {@code postern} command (picocli). {@link dev.postern.cli.Main#run} is the in-process entry point that
 * takes a {@link dev.postern.cli.CliEnvironment} (variables, streams, clock) and returns an exit code from
 * {@link dev.postern.cli.ExitCodes}; docs/CLI.md lists the commands.
 *
 * <p>Layout: {@code client} holds the API client and the saved login; {@code auth}, {@code orgs},
 * {@code ssh}, {@code audit} hold the client commands; {@code server} and {@code agent} the launchers.
 * Commands that need the environment take it in their constructor ({@code CommandFactory} supplies it).
 */
package dev.postern.cli;
