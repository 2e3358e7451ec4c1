package dev.postern.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.api.OrgView;
import java.util.List;
import java.util.stream.Collectors;

/** A logged-in client: the saved config and an {@link ApiClient} that sends its session token. */
public final class Session {
    private final ClientConfig config;
    private final ApiClient api;

    private Session(ClientConfig config) {
        this.config = config;
        this.api = new ApiClient(config.server(), config.token());
    }

    /** The saved login, or a refusal (exit 3) that says how to log in. */
    public static Session require(CliEnvironment env) {
        ConfigFile file = new ConfigFile(env.posternHome());
        return file.load().map(Session::new).orElseThrow(() -> new CliException(ExitCodes.AUTH,
                "not logged in (no " + file.path() + "); run 'postern auth login --server URL --token T' with the "
                        + "bootstrap token printed by 'postern server' or an invite from 'postern members add'"));
    }

    public ClientConfig config() {
        return config;
    }

    public ApiClient api() {
        return api;
    }

    /**
     * The org to act on: {@code given} when present, else the only org the person belongs to.
     *
     * @param example the command to show when the person must name one, e.g. {@code postern ssh issue ORG}
     */
    public String org(String given, String example) {
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        List<OrgView> orgs = api.get("/v1/orgs", new TypeReference<List<OrgView>>() { });
        if (orgs.size() == 1) {
            // the name ends up in paths (~/.postern/ssh/<org>-<app>.conf), URLs and printed command lines
            return ServerAnswers.of(api).name("org name", orgs.get(0).name());
        }
        if (orgs.isEmpty()) {
            throw CliException.usage(config.email() + " belongs to no org yet; create one with "
                    + "'postern orgs create NAME' or ask an org admin for an invite");
        }
        throw CliException.usage(config.email() + " belongs to several orgs ("
                + orgs.stream().map(o -> Printable.escape(o.name())).collect(Collectors.joining(", ")) + "); name one, "
                + "e.g. '" + example.replace("ORG", Printable.escape(orgs.get(0).name())) + "'");
    }
}
