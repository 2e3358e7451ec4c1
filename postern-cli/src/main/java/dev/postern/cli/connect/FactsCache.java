package dev.postern.cli.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.cli.client.CliJson;
import dev.postern.cli.client.PrivateFiles;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.client.ServerAnswers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OrgFacts} kept for {@link #TTL} in {@code $POSTERN_HOME/cache/facts_<context>.json} (0600), with which
 * org each app was found in, so that a repeated {@code ssh console} asks the control plane nothing. The file
 * belongs to one login (server and e-mail): a context logged in again elsewhere or as someone else starts
 * empty. Like OpenSSH's StrictModes, a file that another user owns or could write, or that others could read,
 * is ignored ({@link PrivateFiles}), and every value read is checked again as a server answer. Callers drop an
 * org's facts ({@link #forget}) after any failure that stale facts could explain, and fetch them again.
 */
public final class FactsCache {
    /** How long facts are believed without asking: short, so that a replaced CA or gateway key is seen soon. */
    public static final Duration TTL = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(FactsCache.class);
    private static final ObjectMapper JSON = CliJson.MAPPER;

    /** The file's content. */
    record Content(String server, String email, Map<String, OrgFacts> orgs, Map<String, AppOrg> apps) {
        Content {
            orgs = orgs == null ? Map.of() : Map.copyOf(orgs);
            apps = apps == null ? Map.of() : Map.copyOf(apps);
        }
    }

    /** The org an app was found in, and when. */
    record AppOrg(String org, Instant at) {
    }

    private final Path file;
    private final SavedContext context;
    private final ServerAnswers answers;
    private final Clock clock;
    private Content content;
    private boolean changed;

    private FactsCache(Path file, SavedContext context, ServerAnswers answers, Clock clock, Content content) {
        this.file = file;
        this.context = context;
        this.answers = answers;
        this.clock = clock;
        this.content = content;
    }

    /** The cache of {@code context}; empty when the file is missing, untrusted, unreadable or another login's. */
    public static FactsCache open(Path posternHome, SavedContext context, ServerAnswers answers, Clock clock) {
        Path file = ContextFiles.facts(posternHome, context.name());
        Content empty = new Content(context.server(), context.email(), Map.of(), Map.of());
        if (!Files.exists(file)) {
            return new FactsCache(file, context, answers, clock, empty);
        }
        Optional<String> untrusted = PrivateFiles.untrusted(file, true);
        if (untrusted.isPresent()) {
            LOG.warn("ignoring {}: {}", file, untrusted.get());
            return new FactsCache(file, context, answers, clock, empty);
        }
        try {
            Content c = JSON.readValue(file.toFile(), Content.class);
            if (!context.server().equals(c.server()) || !context.email().equals(c.email())) {
                return new FactsCache(file, context, answers, clock, empty);
            }
            return new FactsCache(file, context, answers, clock, c);
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring {}: {}", file, e.toString());
            return new FactsCache(file, context, answers, clock, empty);
        }
    }

    public Path file() {
        return file;
    }

    /** The org's facts when known for less than {@link #TTL} and still passing every check. */
    public Optional<OrgFacts> fresh(String org) {
        OrgFacts f = content.orgs().get(org);
        // facts filed under this org's name that say they are another's would send its certificate request (and
        // the org's trust) elsewhere: only a file edited by hand holds them, and it is not believed
        if (f == null || !org.equals(f.org()) || !recent(f.fetchedAt())) {
            return Optional.empty();
        }
        try {
            return Optional.of(f.checked(answers));
        } catch (RuntimeException e) {
            LOG.debug("ignoring cached facts of org {}: {}", org, e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code facts} as they would be kept: never trusting a host the facts they replace distrusted. Writes nothing. */
    public OrgFacts merged(OrgFacts facts) {
        return facts.keepingRevocations(olderChecked(content.orgs().get(facts.org())));
    }

    /** Keeps {@code facts} ({@link #merged}), to be written by {@link #save}. */
    public OrgFacts put(OrgFacts facts) {
        OrgFacts kept = merged(facts);
        Map<String, OrgFacts> orgs = new HashMap<>(content.orgs());
        orgs.put(kept.org(), kept);
        content = new Content(context.server(), context.email(), orgs, content.apps());
        changed = true;
        return kept;
    }

    /**
     * Writes what {@link #put} and {@link #rememberOrg} kept; called once every answer of the command passed its
     * checks, so a refused answer leaves no file behind.
     */
    public void save() {
        if (changed) {
            write();
            changed = false;
        }
    }

    /** Makes the org's facts stale (kept for their revocations, never used for a connection again); writes the file. */
    public void forget(String org) {
        OrgFacts f = content.orgs().get(org);
        if (f != null) {
            Map<String, OrgFacts> orgs = new HashMap<>(content.orgs());
            orgs.put(org, new OrgFacts(f.org(), Instant.EPOCH, f.gateway(), f.gatewayHostKey(), f.hostCa(), f.userCa(),
                    f.revokedHostKeys(), f.krl(), f.defaultLogin()));
            content = new Content(context.server(), context.email(), orgs, content.apps());
            write();
        }
    }

    /** The org {@code app} was last found in, when that was less than {@link #TTL} ago. */
    public Optional<String> orgOf(String app) {
        AppOrg a = content.apps().get(app);
        if (a == null || a.at() == null || !recent(a.at())) {
            return Optional.empty();
        }
        return dev.postern.cli.client.SshSyntax.name(a.org());
    }

    /** Remembers that {@code app} is in {@code org}, to be written by {@link #save}. */
    public void rememberOrg(String app, String org) {
        AppOrg known = content.apps().get(app);
        if (known != null && known.org().equals(org) && known.at() != null && recent(known.at())) {
            return;
        }
        Map<String, AppOrg> apps = new HashMap<>(content.apps());
        apps.put(app, new AppOrg(org, clock.instant()));
        content = new Content(context.server(), context.email(), content.orgs(), apps);
        changed = true;
    }

    private OrgFacts olderChecked(OrgFacts older) {
        try {
            return older == null ? null : older.checked(answers);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean recent(Instant at) {
        Instant now = clock.instant();
        // a time in the future (a clock set back, or a planted file) is not believed either
        return !at.isAfter(now.plus(Duration.ofMinutes(1))) && at.plus(TTL).isAfter(now);
    }

    private void write() {
        try {
            PrivateFiles.createDirectory(file.getParent());
            PrivateFiles.replace(file, JSON.writeValueAsBytes(content), PrivateFiles.PRIVATE);
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written costs speed, not correctness
            LOG.debug("cannot write {}: {}", file, e.toString());
        }
    }
}
