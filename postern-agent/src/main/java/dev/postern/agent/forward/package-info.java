/**
 * Forwarding for the agent: local ({@code ssh -L}) and remote ({@code ssh -R}, loopback only) port
 * forwarding, agent forwarding over a real Unix socket, X11 refused; all decided by the certificate's
 * permit-* extensions. Entry point: {@link dev.postern.agent.forward.Forwarding}.
 */
package dev.postern.agent.forward;
