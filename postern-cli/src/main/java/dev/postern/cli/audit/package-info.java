/**
 * {@code postern audit}: {@code log} reads the control plane's audit trail; {@code config}
 * ({@link dev.postern.cli.audit.AuditConfigCommand}) audits a fly.toml and Dockerfile locally.
 *
 * <p>The config audit: {@code ConfigAudit} reads the files (exit 2 on bad input), {@code FlyTomlAudit} and
 * {@code DockerfileAudit} hold the rules (docs/AUDIT.md lists them), {@code TomlLines} finds the lines Jackson's
 * TOML tree does not keep, {@code Dockerfile} parses per Docker's reference, {@code Secrets} decides what looks
 * secret and masks it. The files are untrusted input: patterns stay linear and nothing prints a whole value.
 */
package dev.postern.cli.audit;
