package dev.postern.ca;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to put in a user certificate. The compact constructor validates every field, so a request that
 * exists can be signed.
 *
 * <pre>{@code
 * new UserCertRequest(pubLine, 42, "alice@example.com", List.of("root"), now.minusSeconds(60),
 *         now.plus(Duration.ofHours(24)), UserCertRequest.defaultExtensions(), Map.of())
 * }</pre>
 *
 * @param subjectPublicKeyLine the holder's OpenSSH public key line (ed25519, ecdsa or rsa; not a certificate)
 * @param serial               unique per CA and &gt; 0; revocation lists name certificates by it
 * @param keyId                free text that sshd logs on login, e.g. the user's email
 * @param principals           the Unix users this certificate may log in as; never empty
 * @param validAfter           start of validity (whole seconds are signed)
 * @param validBefore          end of validity, after {@code validAfter}
 * @param extensions           e.g. {@link #defaultExtensions()}; empty means a bare login without pty
 * @param criticalOptions      {@value #FORCE_COMMAND} and/or {@value #SOURCE_ADDRESS} (and
 *                             {@code verify-required}); OpenSSH refuses certificates with unknown ones
 */
public record UserCertRequest(String subjectPublicKeyLine, long serial, String keyId, List<String> principals,
                              Instant validAfter, Instant validBefore, Set<String> extensions,
                              Map<String, String> criticalOptions, Map<String, String> valuedExtensions) {
    /** Critical option: the command sshd runs instead of the one the client asks for. */
    public static final String FORCE_COMMAND = "force-command";
    /** Critical option: comma-separated CIDR list the client must connect from. */
    public static final String SOURCE_ADDRESS = "source-address";
    private static final Set<String> KNOWN_CRITICAL_OPTIONS = Set.of(FORCE_COMMAND, SOURCE_ADDRESS,
            "verify-required");

    public UserCertRequest {
        SshKeys.parseSubjectKey(subjectPublicKeyLine, "subjectPublicKeyLine");
        CertRequestChecks.checkSerial(serial);
        CertRequestChecks.checkKeyId(keyId);
        principals = CertRequestChecks.checkPrincipals(principals);
        CertRequestChecks.checkValidity(validAfter, validBefore);
        extensions = checkExtensions(extensions);
        criticalOptions = checkCriticalOptions(criticalOptions);
        valuedExtensions = checkValuedExtensions(valuedExtensions, extensions);
    }

    /** A request without valued extensions (only flags such as {@code permit-pty}). */
    public UserCertRequest(String subjectPublicKeyLine, long serial, String keyId, List<String> principals,
                           Instant validAfter, Instant validBefore, Set<String> extensions,
                           Map<String, String> criticalOptions) {
        this(subjectPublicKeyLine, serial, keyId, principals, validAfter, validBefore, extensions, criticalOptions,
                Map.of());
    }

    /**
     * Extensions that carry a value, e.g. {@code postern-apps@postern.dev=web,db}: vendor names only
     * ({@code name@domain}, which OpenSSH ignores when it does not know them), values without control characters.
     */
    private static Map<String, String> checkValuedExtensions(Map<String, String> valued, Set<String> flags) {
        if (valued == null) {
            throw new IllegalArgumentException("valuedExtensions must not be null; use Map.of() for none");
        }
        for (Map.Entry<String, String> e : valued.entrySet()) {
            String name = e.getKey();
            if (name == null || !name.matches("[a-z0-9.-]+@[a-z0-9.-]+") || flags.contains(name)) {
                throw new IllegalArgumentException("valued extension name '" + name + "' must be a vendor name"
                        + " (name@domain) not also given as a flag");
            }
            if (e.getValue() == null || e.getValue().isEmpty()
                    || e.getValue().chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("valued extension '" + name + "' needs a printable value");
            }
        }
        return Collections.unmodifiableMap(new TreeMap<>(valued));
    }

    /** What {@code ssh-keygen -s} grants by default minus X11 and user-rc: pty, port and agent forwarding. */
    public static Set<String> defaultExtensions() {
        return Set.of("permit-pty", "permit-port-forwarding", "permit-agent-forwarding");
    }

    private static Set<String> checkExtensions(Set<String> extensions) {
        if (extensions == null) {
            throw new IllegalArgumentException("extensions must not be null; use Set.of() for none or"
                    + " UserCertRequest.defaultExtensions()");
        }
        for (String e : extensions) {
            if (e == null || e.isBlank() || e.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("extension name '" + e + "' must be non-empty without whitespace");
            }
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(extensions));
    }

    private static Map<String, String> checkCriticalOptions(Map<String, String> options) {
        if (options == null) {
            throw new IllegalArgumentException("criticalOptions must not be null; use Map.of() for none");
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!KNOWN_CRITICAL_OPTIONS.contains(e.getKey())) {
                throw new IllegalArgumentException("critical option '" + e.getKey() + "' is not one OpenSSH"
                        + " knows, so sshd would refuse the certificate; use one of "
                        + new java.util.TreeSet<>(KNOWN_CRITICAL_OPTIONS));
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("critical option '" + e.getKey() + "' needs a value (use \"\""
                        + " for verify-required)");
            }
        }
        String sources = options.get(SOURCE_ADDRESS);
        if (sources != null && (sources.isBlank() || sources.chars().anyMatch(Character::isWhitespace))) {
            throw new IllegalArgumentException("source-address '" + sources
                    + "' must be a comma-separated CIDR list without spaces, e.g. 10.0.0.0/8,192.0.2.7");
        }
        return Collections.unmodifiableMap(new TreeMap<>(options));
    }
}
