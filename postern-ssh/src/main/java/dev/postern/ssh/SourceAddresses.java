package dev.postern.ssh;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The {@code source-address} critical option: a comma-separated list of addresses or CIDR blocks
 * (OpenSSH PROTOCOL.certkeys), matched like sshd's {@code addr_match_cidr_list}.
 */
final class SourceAddresses {
    // IP literals only: a host name here must never trigger a DNS lookup during authentication.
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private SourceAddresses() {
    }

    /**
     * Whether {@code client} is inside one of the blocks of {@code list}.
     *
     * @throws CertificateRefusedException when the list is malformed (sshd refuses such certificates too)
     */
    static boolean matches(String list, InetAddress client) throws CertificateRefusedException {
        byte[] addr = client.getAddress();
        boolean any = false;
        boolean matched = false;
        // The whole list is validated even after a match: a malformed entry refuses the certificate.
        for (String raw : list.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                throw new CertificateRefusedException("malformed source-address option \"" + list + "\"");
            }
            any = true;
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            byte[] net = parse(host, list);
            int bits = net.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new CertificateRefusedException("malformed source-address option \"" + list + "\"");
                }
                if (bits < 0 || bits > net.length * 8) {
                    throw new CertificateRefusedException("malformed source-address option \"" + list + "\"");
                }
            }
            if (net.length == addr.length && prefixEquals(net, addr, bits)) {
                matched = true;
            }
        }
        if (!any) {
            throw new CertificateRefusedException("empty source-address option");
        }
        return matched;
    }

    private static byte[] parse(String host, String list) throws CertificateRefusedException {
        if (!LITERAL.matcher(host).matches() || (host.indexOf(':') < 0 && host.chars().filter(c -> c == '.').count() != 3)) {
            throw new CertificateRefusedException("malformed source-address option \"" + list + "\"");
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new CertificateRefusedException("malformed source-address option \"" + list + "\"");
        }
    }

    private static boolean prefixEquals(byte[] a, byte[] b, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (b[full] & mask);
    }
}
