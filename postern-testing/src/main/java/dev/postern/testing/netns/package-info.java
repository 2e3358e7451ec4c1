/**
 * A multi-host test plane made of Linux network namespaces (needs root, {@code ip}, {@code nft}).
 *
 * <p>{@link dev.postern.testing.netns.TestNetwork} creates switches (a bridge each, in a namespace of its own)
 * and hosts (a namespace each, veth-wired to their switches, loopback up); {@link dev.postern.testing.netns.Host}
 * runs commands and long-running processes inside a host ({@code ip netns exec}, with the host's own name and
 * /etc/hosts) and can firewall it; {@link dev.postern.testing.netns.PlaneNetwork} is the deployment Postern's
 * end-to-end tests use: a control plane on a people network and a machine network, a laptop that cannot route to
 * the machines, machines that accept no inbound connection. Addresses come from the RFC 5737 documentation
 * ranges and nothing routes out of the namespaces. Tests call {@code TestNetwork.assumeAvailable()}: they skip
 * where the machine cannot, and fail instead when {@code POSTERN_TEST_NETNS=1} (scripts/test sets it).
 */
package dev.postern.testing.netns;
