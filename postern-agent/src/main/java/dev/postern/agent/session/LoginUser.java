package dev.postern.agent.session;

/**
 * A login that may start processes: its passwd entry, the shell to run, and the identity to start them
 * with, or null when the agent already is that user.
 */
record LoginUser(PasswdEntry entry, String shell, SpawnIdentity identity) {
}
