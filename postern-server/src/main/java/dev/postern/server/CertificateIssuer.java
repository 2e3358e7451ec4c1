package dev.postern.server;

import dev.postern.ca.SignedCertificate;
import dev.postern.ca.UserCertRequest;
import dev.postern.common.AppScope;
import dev.postern.common.api.CertificateView;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.Membership;
import dev.postern.store.Person;
import dev.postern.store.Store;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Checks a certificate request against the caller's rights, signs it and logs it durably: the answer leaves only
 * after the {@link IssuanceLog} committed the certificate and its audit event.
 */
final class CertificateIssuer {
    static final int MIN_HOURS = 1;
    static final int MAX_HOURS = 72;
    /** validAfter is set this far in the past so that a slightly slow machine clock accepts a new certificate. */
    static final Duration BACKDATE = Duration.ofMinutes(1);

    private final Store store;
    private final OrgAccess access;
    private final Authorities authorities;
    private final AuditTrail audit;
    private final Clock clock;
    private final Counter issued;
    private final Serials serials;
    private final IssuanceLog log;

    CertificateIssuer(Store store, OrgAccess access, Authorities authorities, AuditTrail audit, Clock clock,
                      Counter issued, IssuanceLog log) {
        this.store = store;
        this.serials = new Serials(store, Serials.BLOCK);
        this.log = log;
        this.access = access;
        this.authorities = authorities;
        this.audit = audit;
        this.clock = clock;
        this.issued = issued;
    }

    /**
     * Announces a request that may issue, as early as possible (before its caller lookup), so that the log's
     * writer holds a commit open for it; pass it to {@link #issue} and close it in any case.
     */
    IssuanceLog.Reservation reserve() {
        return log.reserve();
    }

    IssueResponse issue(OrgCall call, IssueRequest req, IssuanceLog.Reservation reservation) {
        Caller caller = call.caller();
        String orgName = call.orgName();
        OrgAccess.Scope scope = access.scope(call);
        if (req.hours() < MIN_HOURS || req.hours() > MAX_HOURS) {
            throw ApiException.badRequest("hours " + req.hours() + " is out of range; use " + MIN_HOURS + " to "
                    + MAX_HOURS + " (default 24)");
        }
        if (req.publicKey() == null || req.publicKey().isBlank()) {
            throw ApiException.badRequest("publicKey is required: the OpenSSH public key line of the key to certify");
        }
        CaSubjects.refuseCaKey(store, req.publicKey(), "publicKey");
        Membership subject = subject(caller, scope, req.email());
        CertificateScope granted = CertificateScope.of(store, scope.org(), subject, req.apps(), req.principals());
        List<String> principals = granted.principals();
        Authorities.Opened ca = authorities.open(store, scope.org().id(), call.row().authorityCreatedAt(),
                call.row().userCaPublicKey()).orElseThrow(() -> ApiException.precondition(
                "org '" + orgName + "' has no SSH CA yet; create it with 'postern ssh establish " + orgName + "'"));
        // certificates carry whole seconds; the log should show the same instants
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant validAfter = now.minus(BACKDATE);
        Instant validBefore = now.plus(Duration.ofHours(req.hours()));
        long serial = serials.next();
        String keyId = "postern:" + orgName + ":" + subject.email() + ":" + serial;
        SignedCertificate cert;
        try {
            cert = ca.user().signUser(new UserCertRequest(req.publicKey().trim(), serial, keyId, principals,
                    validAfter, validBefore, UserCertRequest.defaultExtensions(), Map.of(),
                    Map.of(AppScope.EXTENSION, granted.appsExtension())));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        IssuedCertificate entry = new IssuedCertificate(serial, scope.org().id(), subject.personId(), keyId,
                principals, cert.publicKeyFingerprint(), validAfter, validBefore, caller.email(), now, null, null);
        // signed here, on the request's own thread; the log only writes, many requests per commit
        reservation.append(new IssuanceLog.Entry(entry, audit.event(caller, orgName, "certificate.issue", keyId,
                "principals=" + String.join(",", principals) + " apps=" + granted.appsExtension()
                        + " hours=" + req.hours() + " key=" + cert.publicKeyFingerprint()), subject.login(),
                granted.grantedAppIds()));
        issued.increment();
        return new IssueResponse(view(entry, subject.email()), cert.certificateLine());
    }

    private Membership subject(Caller caller, OrgAccess.Scope scope, String email) {
        if (email == null || email.isBlank()) {
            return scope.membership();
        }
        String normalized = Bodies.email(email);
        if (normalized.equals(caller.email())) {
            return scope.membership();
        }
        if (!scope.admin()) {
            throw ApiException.forbidden("only owners and admins of org '" + scope.org().name()
                    + "' may issue certificates for someone else; leave EMAIL out to issue your own");
        }
        String notMember = "'" + normalized + "' is not a member of org '" + scope.org().name() + "'; add them with"
                + " 'postern members add --org " + scope.org().name() + " --email " + normalized + " --role member'";
        Person person = store.people().byEmail(normalized).orElseThrow(() -> ApiException.badRequest(notMember));
        return store.orgs().membership(scope.org().id(), person.id())
                .orElseThrow(() -> ApiException.badRequest(notMember));
    }

    /**
     * The principal a member's certificates carry when they ask for none: root for owners and admins, else the
     * login the org gave them (null when it gave none yet).
     */
    static String defaultLogin(Membership m) {
        return m.role().isAdmin() ? "root" : m.login();
    }

    static CertificateView view(IssuedCertificate c, String email) {
        return new CertificateView(c.serial(), c.keyId(), email, c.principals(), c.publicKeyFingerprint(),
                c.validAfter(), c.validBefore(), c.issuedBy(), c.issuedAt(), c.revoked(), c.revokedAt(), c.revokedBy());
    }
}
