package dev.postern.ssh;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whom a {@link CertificateAuthenticator} trusts: the user-CA public keys, the revocation list and the clock.
 * Both suppliers are called on every authentication attempt, so they must be cheap (return a cached value;
 * {@link RevocationFile} is such a supplier).
 *
 * <pre>{@code
 * var policy = TrustPolicy.of(() -> caKeys, RevocationFile.optional(path), Clock.systemUTC());
 * }</pre>
 *
 * @param trustedCaKeys user-CA public keys whose certificates are accepted; an empty collection refuses everyone
 * @param revocations current revocation list ({@link RevocationList#empty()} when there is none)
 * @param clock the time used for certificate validity
 * @param clockSkew how far outside its validity window a certificate is still accepted, for clocks that drift
 */
public record TrustPolicy(Supplier<? extends Collection<PublicKey>> trustedCaKeys,
                          Supplier<RevocationList> revocations, Clock clock, Duration clockSkew) {
    /** The default clock-skew allowance: one minute, as Teleport and most SSH CAs use. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

    public TrustPolicy {
        Objects.requireNonNull(trustedCaKeys, "trustedCaKeys");
        Objects.requireNonNull(revocations, "revocations");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("clockSkew is " + clockSkew
                    + "; it must be between 0 and 1 hour (default " + DEFAULT_CLOCK_SKEW + ")");
        }
    }

    /** A policy with the default clock-skew allowance. */
    public static TrustPolicy of(Supplier<? extends Collection<PublicKey>> trustedCaKeys,
                                 Supplier<RevocationList> revocations, Clock clock) {
        return new TrustPolicy(trustedCaKeys, revocations, clock, DEFAULT_CLOCK_SKEW);
    }

    /** A policy with a fixed set of CA keys, no revocations and the default skew. */
    public static TrustPolicy fixed(Collection<PublicKey> trustedCaKeys, Clock clock) {
        List<PublicKey> keys = List.copyOf(trustedCaKeys);
        RevocationList none = RevocationList.empty();
        return of(() -> keys, () -> none, clock);
    }
}
