package dev.postern.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.api.AppView;
import dev.postern.common.api.OrgView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A logged-in client: the selected context ({@code --context}, else POSTERN_CONTEXT, else the current one) and an
 * {@link ApiClient} that sends its session token.
 */
public final class Session {
    /** Names the context to use for one command; {@code --context NAME} sets it too. */
    public static final String CONTEXT_VARIABLE = "POSTERN_CONTEXT";
    /** Names the org to use when a command is given none. */
    public static final String ORG_VARIABLE = "POSTERN_ORG";

    private final SavedContext context;
    private final ApiClient api;
    private final CliEnvironment env;

    private Session(SavedContext context, CliEnvironment env) {
        this.context = context;
        this.env = env;
        this.api = new ApiClient(context.server(), context.token(), context.pin(), env.warmup());
    }

    /** The selected login, or a refusal (exit 3) that says how to log in or pick one. */
    public static Session require(CliEnvironment env) {
        return new Session(selected(env), env);
    }

    /** The context this command line selects, or a refusal naming the saved ones. */
    public static SavedContext selected(CliEnvironment env) {
        ConfigFile file = new ConfigFile(env.posternHome());
        SavedContexts all = file.read();
        Optional<String> named = env.variable(CONTEXT_VARIABLE);
        if (named.isPresent()) {
            return all.find(named.get()).orElseThrow(() -> new CliException(ExitCodes.AUTH, "no login context '"
                    + named.get() + "' (--context or " + CONTEXT_VARIABLE + ")" + known(all)
                    + "; log in with 'postern auth login --server URL --token T --name " + named.get() + "'"));
        }
        return all.currentContext().orElseThrow(() -> new CliException(ExitCodes.AUTH, all.contexts().isEmpty()
                ? "not logged in (no " + file.path() + "); run 'postern auth login --server URL --token T' with the "
                        + "bootstrap token printed by 'postern server' or an invite from 'postern members add'"
                : "no current login context" + known(all)
                        + "; pick one with 'postern auth use NAME' or --context NAME"));
    }

    private static String known(SavedContexts all) {
        return all.contexts().isEmpty() ? "" : "; saved: " + String.join(", ", all.names());
    }

    public ClientConfig config() {
        return context.login();
    }

    public SavedContext context() {
        return context;
    }

    public ApiClient api() {
        return api;
    }

    /**
     * The org to act on: {@code given} when present, else POSTERN_ORG, else the context's default org
     * ({@code postern orgs use}), else the only org the person belongs to.
     *
     * @param example the command to show when the person must name one, e.g. {@code postern ssh issue ORG}
     */
    public String org(String given, String example) {
        Optional<String> chosen = chosenOrg(given);
        if (chosen.isPresent()) {
            return chosen.get();
        }
        List<OrgView> orgs = orgs();
        if (orgs.size() == 1) {
            // the name ends up in paths (~/.postern/ssh/<org>-<app>.conf), URLs and printed command lines
            return ServerAnswers.of(api).name("org name", orgs.get(0).name());
        }
        throw several(orgs.stream().map(OrgView::name).toList(), example, "");
    }

    /**
     * {@code call} with the org {@link #orgForApp} picks, one request sooner when the context has a default org and
     * nothing else names one: the default org is tried first, without asking which orgs hold the app, since
     * {@link #orgForApp} picks it whenever it holds the app. When it does not (404), or the person is no longer in it
     * (403), the choice is made as {@link #orgForApp} makes it and {@code call} runs again with that org.
     */
    public <T> T withOrgForApp(String given, String app, String example, Function<String, T> call) {
        boolean explicit = given != null && !given.isBlank() || env.variable(ORG_VARIABLE).isPresent();
        if (!explicit && context.org() != null) {
            try {
                return call.apply(context.org());
            } catch (ApiException e) {
                if (e.status() != 404 && e.status() != 403) {
                    throw e;
                }
                String org = orgForApp(given, app, example);
                if (org.equals(context.org())) {
                    throw e;
                }
                return call.apply(org);
            }
        }
        return call.apply(orgForApp(given, app, example));
    }

    /**
     * As {@link #org}, but an app name that exists in exactly one of the person's orgs picks that org; a name in
     * several picks the default org when it is one of them, else is refused naming them.
     */
    public String orgForApp(String given, String app, String example) {
        Optional<String> explicit = given != null && !given.isBlank() ? Optional.of(given.trim())
                : env.variable(ORG_VARIABLE).map(String::trim);
        if (explicit.isPresent()) {
            return explicit.get();
        }
        List<OrgView> orgs = orgs();
        ServerAnswers answers = ServerAnswers.of(api);
        if (orgs.size() == 1) {
            return answers.name("org name", orgs.get(0).name());
        }
        List<String> having = new ArrayList<>();
        List<String> allApps = new ArrayList<>();
        for (OrgView o : orgs) {
            List<AppView> apps = api.get("/v1/orgs/" + ApiClient.segment(o.name()) + "/apps",
                    new TypeReference<List<AppView>>() { });
            apps.forEach(a -> allApps.add(a.name()));
            if (apps.stream().anyMatch(a -> app.equals(a.name()))) {
                // the name ends up in paths, URLs and printed command lines
                having.add(answers.name("org name", o.name()));
            }
        }
        if (having.size() == 1) {
            return having.get(0);
        }
        if (context.org() != null && (having.isEmpty() || having.contains(context.org()))) {
            return context.org();
        }
        if (having.isEmpty()) {
            throw CliException.usage("app '" + Printable.escape(app) + "' is in none of your orgs ("
                    + orgs.stream().map(o -> Printable.escape(o.name())).collect(Collectors.joining(", "))
                    + "); see 'postern apps list --org ORG'" + DidYouMean.suffix(app, allApps));
        }
        throw several(having, example, "app '" + Printable.escape(app) + "' is in several of your orgs; ");
    }

    private Optional<String> chosenOrg(String given) {
        if (given != null && !given.isBlank()) {
            return Optional.of(given.trim());
        }
        Optional<String> fromEnv = env.variable(ORG_VARIABLE).map(String::trim);
        return fromEnv.isPresent() ? fromEnv : Optional.ofNullable(context.org());
    }

    private List<OrgView> orgs() {
        List<OrgView> orgs = api.get("/v1/orgs", new TypeReference<List<OrgView>>() { });
        if (orgs.isEmpty()) {
            throw CliException.usage(context.email() + " belongs to no org yet; create one with "
                    + "'postern orgs create NAME' or ask an org admin for an invite");
        }
        return orgs;
    }

    private CliException several(List<String> names, String example, String prefix) {
        List<String> shown = names.stream().map(Printable::escape).toList();
        return CliException.usage(prefix + (prefix.isEmpty() ? context.email() + " belongs to several orgs ("
                : "(") + String.join(", ", shown) + "); name one, e.g. '" + example.replace("ORG", shown.get(0))
                + "', or set a default with 'postern orgs use ORG' or " + ORG_VARIABLE);
    }
}
