/**
 * {@code postern ssh establish|issue|log|revoke}. Keys are made here ({@code UserKeyPair}), written with
 * private permissions from creation ({@code KeyFiles}) or handed to ssh-agent over its socket
 * ({@code SshAgentClient}); only public keys go to the server.
 */
package dev.postern.cli.ssh;
