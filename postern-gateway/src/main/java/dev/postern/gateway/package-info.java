/**
 * The Postern gateway: one SSH port where machines keep reverse tunnels and people jump to machines.
 *
 * <pre>
 *  person (ssh -J gw)                    Gateway                          machine (postern agent)
 *  ──────────────────                    ───────                          ───────────────────────
 *                                        ◀── SSH login: host cert ─────── TunnelClient dials out
 *                                        ◀── tcpip-forward               (only &lt;id&gt;.vm.&lt;app&gt;.internal:22)
 *                                            &lt;id&gt;.vm.&lt;app&gt;.internal:22
 *  SSH login: user cert ───────────────▶ GatewayAuthenticator
 *  direct-tcpip &lt;id&gt;.vm.&lt;app&gt;.internal:22 ▶ Router (org, membership,
 *                                          revocation, online?)
 *                                        UserChannel ══ splice ══ MachineChannel (forwarded-tcpip) ──▶
 *  inner SSH session (end to end, the gateway sees only ciphertext) ◀═══════════════════════════▶ agent's server
 * </pre>
 *
 * <p>Rules: machines log in with a HOST certificate from their org's host CA, user name = machine id, and may
 * only forward their own name; they open no channels. People log in with a USER certificate from their org's
 * user CA (key id {@code postern:<org>:<email>:<serial>}, membership re-checked) and may only open
 * {@code direct-tcpip} to port 22 of {@code <id>.vm.<app>.internal} or {@code <app>.internal} in their org; no
 * shell, exec, subsystems or remote forwards. The control plane is reached only through
 * {@link dev.postern.gateway.GatewayDirectory}.
 *
 * <p>One tunnel per machine: a second login that forwards a machine's name while its tunnel answers a keepalive
 * is refused; the old tunnel is replaced only when it stays silent for the probe timeout (see {@code Tunnels}).
 * Before login, connections are limited per source address and in total, and failed logins slow a source down
 * ({@link dev.postern.ssh.PreAuthGuard}). After login, one person may have at most
 * {@link dev.postern.gateway.GatewayConfig#channelsPerPerson()} channels open over all their connections
 * ({@code PersonChannels}), so that no member can hold every channel of a machine's tunnel; and one person or
 * machine at most {@link dev.postern.gateway.GatewayConfig#connectionsPerLogin()} logged-in connections
 * ({@code LoginConnections}).
 */
package dev.postern.gateway;
