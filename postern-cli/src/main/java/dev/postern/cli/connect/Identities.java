package dev.postern.cli.connect;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.common.AppScope;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the identity for a connection: a certificate the person already holds in {@code ~/.ssh/id_postern*}
 * when it fits (this org's user CA, names the login user, valid for at least five more minutes), else a
 * fresh Ed25519 key made in memory and a one-hour certificate for it. The fresh key never touches the disk.
 */
public final class Identities {
    static final Duration MIN_REMAINING = Duration.ofMinutes(5);
    static final int FRESH_HOURS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(Identities.class);

    private Identities() {
    }

    /** A held identity that fits, or a freshly issued one. */
    public static UserIdentity obtain(Path home, Session session, String org, String app, String user,
                                      PublicKey userCa, Instant now) {
        return held(home.resolve(".ssh"), app, user, userCa, now).orElseGet(() -> fresh(session, org, app, user));
    }

    /** The first {@code id_postern*} key in {@code sshDir} whose certificate fits, for any app. */
    static Optional<UserIdentity> held(Path sshDir, String user, PublicKey userCa, Instant now) {
        return held(sshDir, null, user, userCa, now);
    }

    /** The first {@code id_postern*} key in {@code sshDir} whose certificate fits {@code app} (null: any). */
    static Optional<UserIdentity> held(Path sshDir, String app, String user, PublicKey userCa, Instant now) {
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
            Path certFile = key.resolveSibling(key.getFileName() + "-cert.pub");
            if (!Files.isRegularFile(certFile)) {
                continue;
            }
            try {
                OpenSshCertificate cert = OpenSshKeys.readCertificate(certFile);
                Optional<String> unfit = unfit(cert, user, userCa, now).or(() -> unfitFor(cert, app));
                if (unfit.isPresent()) {
                    LOG.debug("not using {}: {}", certFile, unfit.get());
                    continue;
                }
                KeyPair pair = load(key);
                if (!KeyUtils.compareKeys(pair.getPublic(), cert.getCertPubKey())) {
                    LOG.debug("not using {}: the certificate is for another key", certFile);
                    continue;
                }
                return Optional.of(new UserIdentity(pair, cert, key.toString()));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.debug("not using {}: {}", key, e.toString());
            }
        }
        return Optional.empty();
    }

    /** Why a held certificate cannot serve this connection; empty when it can. */
    static Optional<String> unfit(OpenSshCertificate cert, String user, PublicKey userCa, Instant now) {
        if (cert.getType() != OpenSshCertificate.Type.USER) {
            return Optional.of("not a user certificate");
        }
        if (!KeyUtils.compareKeys(cert.getCaPubKey(), userCa)) {
            return Optional.of("signed by another CA");
        }
        if (!cert.getPrincipals().contains(user)) {
            return Optional.of("does not name " + user + " (names " + cert.getPrincipals() + ")");
        }
        if (now.isBefore(Instant.ofEpochSecond(cert.getValidAfter()))) {
            return Optional.of("not valid yet");
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
                : Optional.of("not for app " + app + " (" + AppScope.EXTENSION + ": " + value + ")");
    }

    static UserIdentity fresh(Session session, String org, String app, String user) {
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot generate an Ed25519 key: " + e.getMessage(), e);
        }
        IssueResponse issued = session.api().post("/v1/orgs/" + ApiClient.segment(org) + "/certificates",
                new IssueRequest(null, OpenSshKeys.toLine(pair.getPublic()), List.of(user), FRESH_HOURS,
                        app == null ? null : List.of(app)),
                IssueResponse.class);
        ServerAnswers answers = ServerAnswers.of(session.api());
        OpenSshCertificate c = answers.certificate("certificate", issued == null ? null : issued.certificate());
        if (c.getType() != OpenSshCertificate.Type.USER || !KeyUtils.compareKeys(c.getCertPubKey(), pair.getPublic())) {
            throw answers.refusal("certificate", issued.certificate(), "a user certificate for the key this command made");
        }
        return new UserIdentity(pair, c, "a new " + FRESH_HOURS + "-hour certificate (serial " + c.getSerial() + ")");
    }

    private static KeyPair load(Path key) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(key)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in,
                    null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new IOException("no key in " + key);
            }
            return it.next();
        }
    }
}
