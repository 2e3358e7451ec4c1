package dev.postern.cli.connect;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.cli.client.SshSyntax;
import dev.postern.common.AppScope;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.RevocationList;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the identity for a connection, asking the control plane for a certificate only when none held fits:
 * <ol>
 * <li>the identity kept for this login context and org ({@code $POSTERN_HOME/ssh/id_<context>_<org>}, see
 * {@link ContextFiles}) when its certificate fits;</li>
 * <li>else a fitting {@code ~/.ssh/id_postern*} (from {@code postern ssh issue --dotssh});</li>
 * <li>else a new kept identity: a key made here and a {@value #KEPT_HOURS}-hour certificate for every app the
 * person may reach (owners and admins: {@code *}; members: their granted apps) and the logins the server gives by
 * default, plus the login asked for. One certificate per context and org, not per app: that is the file
 * {@code postern ssh config} names, for every app of the org; a grant added later makes it not fit, and it is
 * issued again for the new set.</li>
 * <li>when the server will not put the app or login asked for into such a certificate (a member whose grants share
 * no login), a one-hour certificate for just that app and login, held in memory only, as before.</li>
 * </ol>
 * A certificate fits when it is a user certificate of the org's current user CA, for this person in this org, names
 * the login and the app, is valid for at least {@link #MIN_REMAINING} more, and the org's revocation list does not
 * revoke it. A {@code ~/.ssh/id_postern*} file skipped because it is revoked or another org's or person's is named
 * in one line on stderr, so that the refusal that would follow is never mistaken for an attack.
 */
public final class Identities {
    /** Re-issue before this little is left: enough for a login and a slow handshake, never one per run. */
    static final Duration MIN_REMAINING = Duration.ofMinutes(5);
    /**
     * The kept certificate's life: a working day, so a person gets about one issuance a day, while a stolen copy of
     * the key file is good for hours, not the 24 of {@code ssh issue}.
     */
    static final int KEPT_HOURS = 8;
    static final int FRESH_HOURS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(Identities.class);

    private Identities() {
    }

    /** Whom a certificate must be for: the org's current user CA, this person, their revocation list. */
    record Owner(String org, String email, PublicKey userCa, RevocationList revocations) {
    }

    /**
     * A held identity that fits, or a newly issued one.
     *
     * @param renew true after a refused login: the kept identity is issued again whatever it looks like
     */
    public static UserIdentity obtain(CliEnvironment env, Session session, OrgFacts facts, String app, String user,
                                      boolean renew) {
        Instant now = env.clock().instant();
        Owner owner = new Owner(facts.org(), session.context().email(), facts.userCaKey(), facts.revocations());
        KeptIdentity kept = new KeptIdentity(ContextFiles.keptKey(env.posternHome(), session.context().name(),
                facts.org()));
        Optional<OpenSshCertificate> keptCert = kept.readCertificate();
        if (!renew && keptCert.isPresent()) {
            Optional<String> unfit = unfit(keptCert.get(), owner, user, now).or(() -> unfitFor(keptCert.get(), app));
            KeptIdentity.Loaded loaded = unfit.isEmpty() ? kept.load(keptCert.get()) : null;
            if (loaded != null && loaded.identity() != null) {
                return loaded.identity();
            }
            LOG.debug("not using {}: {}", kept.key(), unfit.orElseGet(() -> loaded.why()));
        }
        List<String> skipped = new ArrayList<>();
        keptCert.flatMap(c -> unfit(c, owner, null, now)).filter(Identities::notable)
                .ifPresent(why -> skipped.add(kept.key() + " " + why));
        if (!renew) {
            Optional<UserIdentity> held = held(env.home().resolve(".ssh"), app, user, owner, now, skipped);
            if (held.isPresent()) {
                return held.get();
            }
        }
        Optional<UserIdentity> issued = Optional.empty();
        Optional<String> loose = KeptLock.untrustedDirectory(kept.key());
        if (loose.isPresent()) {
            // others could plant files there between a check and an open: nothing is kept, or locked, in it
            skipped.add("not keeping a key in " + kept.key().getParent() + " (" + loose.get() + "; 'chmod 700 "
                    + kept.key().getParent() + "')");
        } else {
            try (KeptLock lock = KeptLock.take(kept.key())) {
                // another command may have issued it while this one waited: then that pair serves, and no second one
                // is issued (a refused login asks for a new one whatever is on disk)
                Optional<OpenSshCertificate> onDisk = renew ? Optional.empty() : kept.readCertificate();
                Optional<UserIdentity> fits = onDisk.flatMap(c -> fitting(kept, c, owner, app, user, now));
                if (fits.isPresent()) {
                    return fits.get();
                }
                issued = issueKept(session, kept, owner, app, user, onDisk.or(() -> keptCert), facts.defaultLogin(),
                        now, false);
            }
        }
        UserIdentity identity = issued.orElseGet(() -> fresh(session, owner.org(), app, user));
        String using = issued.isPresent() ? "using a new " + KEPT_HOURS + "-hour certificate in " + kept.key()
                : "using a new " + FRESH_HOURS + "-hour certificate for app " + app;
        for (String s : skipped) {
            env.err().println("postern: " + s + "; " + using);
        }
        return identity;
    }

    /**
     * The kept identity of this context and org, fitting {@code app} and {@code user}: the one on disk when it
     * fits, else issued again (for {@code postern ssh config --write}, whose ssh_config names its files).
     *
     * @throws CliException when the server will not put {@code app} and {@code user} in one org-wide certificate
     */
    public static UserIdentity kept(CliEnvironment env, Session session, OrgFacts facts, String app, String user) {
        Instant now = env.clock().instant();
        Owner owner = new Owner(facts.org(), session.context().email(), facts.userCaKey(), facts.revocations());
        KeptIdentity kept = new KeptIdentity(ContextFiles.keptKey(env.posternHome(), session.context().name(),
                facts.org()));
        Optional<UserIdentity> fits = kept.readCertificate().flatMap(c -> fitting(kept, c, owner, app, user, now));
        if (fits.isPresent()) {
            return fits.get();
        }
        try (KeptLock lock = KeptLock.take(kept.key())) {
            Optional<OpenSshCertificate> cert = kept.readCertificate();
            fits = cert.flatMap(c -> fitting(kept, c, owner, app, user, now));
            return fits.isPresent() ? fits.get() : issueKept(session, kept, owner, app, user, cert,
                    facts.defaultLogin(), now, true).orElseThrow(() ->
                CliException.usage("org " + facts.org() + " will not give " + owner.email() + " one certificate for"
                        + " every app they may reach that names app " + app + " and login " + user + " (do the grants"
                        + " share that login?); use 'postern ssh console --app " + app + "', or 'postern ssh issue "
                        + facts.org() + " ./key --app " + app + " -u " + user + "' and ssh -i ./key"));
        }
    }

    /**
     * The kept pair when {@code cert} fits and the key file beside it is this certificate's key (read after it: a
     * pair from before the lock, or half-replaced, has another key and is issued again).
     */
    private static Optional<UserIdentity> fitting(KeptIdentity kept, OpenSshCertificate cert, Owner owner, String app,
                                                  String user, Instant now) {
        if (unfit(cert, owner, user, now).or(() -> unfitFor(cert, app)).isPresent()) {
            return Optional.empty();
        }
        return Optional.ofNullable(kept.load(cert).identity());
    }

    /** The first {@code id_postern*} key in {@code sshDir} whose certificate fits {@code app} (null: any). */
    static Optional<UserIdentity> held(Path sshDir, String app, String user, Owner owner, Instant now,
                                       List<String> told) {
        if (!Files.isDirectory(sshDir)) {
            return Optional.empty();
        }
        List<Path> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(sshDir, "id_postern*")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".pub") && !n.endsWith(".tmp") && Files.isRegularFile(f)) {
                    keys.add(f);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        keys.sort(null);
        for (Path key : keys) {
            KeptIdentity files = new KeptIdentity(key);
            Optional<OpenSshCertificate> cert = files.readCertificate();
            if (cert.isEmpty()) {
                continue;
            }
            Optional<String> unfit = unfit(cert.get(), owner, user, now).or(() -> unfitFor(cert.get(), app));
            if (unfit.isPresent()) {
                LOG.debug("not using {}: {}", key, unfit.get());
                if (notable(unfit.get())) {
                    told.add("~/.ssh/" + key.getFileName() + " " + unfit.get() + ", so it is not used");
                }
                continue;
            }
            KeptIdentity.Loaded loaded = files.load(cert.get());
            if (loaded.identity() != null) {
                return Optional.of(loaded.identity());
            }
            LOG.debug("not using {}: {}", key, loaded.why());
        }
        return Optional.empty();
    }

    /** Reasons a person should hear about: the file will never work here, and ssh would be refused with it. */
    private static boolean notable(String why) {
        return why.startsWith("is revoked") || why.startsWith("is for ") || why.startsWith("is signed by");
    }

    /** Why a held certificate cannot serve this connection (as {@code user}; null: any); empty when it can. */
    static Optional<String> unfit(OpenSshCertificate cert, Owner owner, String user, Instant now) {
        if (cert.getType() != OpenSshCertificate.Type.USER) {
            return Optional.of("is not a user certificate");
        }
        KeyId id = KeyId.parse(cert.getId());
        if (id != null && !id.org().equals(owner.org())) {
            return Optional.of("is for org " + id.org() + ", not " + owner.org());
        }
        if (!KeyUtils.compareKeys(cert.getCaPubKey(), owner.userCa())) {
            return Optional.of("is signed by " + KeyUtils.getFingerPrint(cert.getCaPubKey()) + ", not by org "
                    + owner.org() + "'s user CA (replaced, or another server's)");
        }
        if (id != null && owner.email() != null && !id.email().equals(owner.email())) {
            return Optional.of("is for " + id.email() + ", not " + owner.email());
        }
        if (owner.revocations().isRevoked(cert)) {
            return Optional.of("is revoked (serial " + cert.getSerial() + ")");
        }
        if (user != null && !cert.getPrincipals().contains(user)) {
            return Optional.of("does not name " + user + " (names " + cert.getPrincipals() + ")");
        }
        if (now.isBefore(Instant.ofEpochSecond(cert.getValidAfter()))) {
            return Optional.of("is not valid yet");
        }
        long before = cert.getValidBefore();
        if (before >= 0 && before != OpenSshCertificate.INFINITY
                && Instant.ofEpochSecond(before).isBefore(now.plus(MIN_REMAINING))) {
            return Optional.of("expires within " + MIN_REMAINING.toMinutes() + " minutes");
        }
        return Optional.empty();
    }

    /** Why a certificate is not good for {@code app} (its agent would refuse it); empty when it is, or app is null. */
    static Optional<String> unfitFor(OpenSshCertificate cert, String app) {
        if (app == null) {
            return Optional.empty();
        }
        String value = cert.getExtensions().stream().filter(e -> AppScope.EXTENSION.equals(e.getName()))
                .map(OpenSshCertificate.CertificateOption::getData).findFirst().orElse(null);
        return value != null && AppScope.allows(value, app) ? Optional.empty()
                : Optional.of("is not for app " + app + " (" + AppScope.EXTENSION + ": " + value + ")");
    }

    /**
     * Issues the kept identity again and writes it; empty when the server will not make one that fits {@code app}
     * and {@code user} (then the caller asks for a narrower one, kept in memory).
     *
     * @param strict true: the server's refusal (400, 403) is the answer, with its own words
     */
    private static Optional<UserIdentity> issueKept(Session session, KeptIdentity kept, Owner owner, String app,
                                                    String user, Optional<OpenSshCertificate> old,
                                                    String defaultLogin, Instant now, boolean strict) {
        // the logins the server gives by default, unless another was asked for: then that one and those the
        // old certificate still usefully named, so that switching between two logins does not re-issue every time
        List<String> principals = null;
        if (!user.equals(defaultLogin)) {
            LinkedHashSet<String> wanted = new LinkedHashSet<>();
            if (defaultLogin != null) {
                wanted.add(defaultLogin);
            }
            old.filter(c -> unfit(c, owner, null, now).isEmpty()).ifPresent(c -> wanted.addAll(c.getPrincipals()));
            wanted.add(user);
            principals = new ArrayList<>(wanted);
        }
        KeyPair pair = generate();
        IssueResponse issued;
        try {
            issued = session.api().post("/v1/orgs/" + ApiClient.segment(owner.org()) + "/certificates",
                    new IssueRequest(null, OpenSshKeys.toLine(pair.getPublic()), principals, KEPT_HOURS, null),
                    IssueResponse.class);
        } catch (ApiException e) {
            if (!strict && (e.status() == 400 || e.status() == 403)) {
                LOG.debug("no kept certificate for {} in {}: {}", user, owner.org(), e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
        OpenSshCertificate c = checked(session, pair, issued);
        Optional<String> unfit = unfit(c, owner, null, now);
        if (unfit.isPresent()) {
            throw ServerAnswers.of(session.api()).refusal("certificate", issued.certificate(),
                    "a valid certificate of org " + owner.org() + "'s user CA for " + owner.email() + " (it "
                            + unfit.get() + ")");
        }
        // kept even when it does not fit this app or login: it is the org's certificate for every other use
        String comment = ServerAnswers.of(session.api()).text("key id", c.getId());
        kept.write(pair, SshSyntax.certificateLine(issued.certificate()), comment);
        if (unfit(c, owner, user, now).or(() -> unfitFor(c, app)).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new UserIdentity(pair, c, kept.key().toString()));
    }

    static UserIdentity fresh(Session session, String org, String app, String user) {
        KeyPair pair = generate();
        IssueResponse issued = session.api().post("/v1/orgs/" + ApiClient.segment(org) + "/certificates",
                new IssueRequest(null, OpenSshKeys.toLine(pair.getPublic()), List.of(user), FRESH_HOURS,
                        app == null ? null : List.of(app)),
                IssueResponse.class);
        OpenSshCertificate c = checked(session, pair, issued);
        return new UserIdentity(pair, c, "a new " + FRESH_HOURS + "-hour certificate (serial " + c.getSerial() + ")");
    }

    private static OpenSshCertificate checked(Session session, KeyPair pair, IssueResponse issued) {
        ServerAnswers answers = ServerAnswers.of(session.api());
        OpenSshCertificate c = answers.certificate("certificate", issued == null ? null : issued.certificate());
        if (c.getType() != OpenSshCertificate.Type.USER || !KeyUtils.compareKeys(c.getCertPubKey(), pair.getPublic())) {
            throw answers.refusal("certificate", issued.certificate(), "a user certificate for the key this command made");
        }
        return c;
    }

    private static KeyPair generate() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot generate an Ed25519 key: " + e.getMessage(), e);
        }
    }

    /** The control plane's key id {@code postern:<org>:<email>:<serial>}; null for any other form. */
    record KeyId(String org, String email) {
        static KeyId parse(String id) {
            String[] f = id == null ? new String[0] : id.split(":", -1);
            return f.length == 4 && f[0].equals("postern") ? new KeyId(f[1], f[2]) : null;
        }
    }
}
