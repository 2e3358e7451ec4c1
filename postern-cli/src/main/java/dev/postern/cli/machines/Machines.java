package dev.postern.cli.machines;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.DidYouMean;
import dev.postern.cli.client.Session;
import dev.postern.common.api.AppView;
import dev.postern.common.api.MachineView;
import dev.postern.common.api.OrgView;
import java.util.List;
import java.util.function.Supplier;

/** Reads an app's machines from the API. */
public final class Machines {
    private Machines() {
    }

    public static List<MachineView> list(Session session, String org, String app) {
        return suggestingNames(session, org, app, () -> session.api().get("/v1/orgs/" + ApiClient.segment(org)
                + "/apps/" + ApiClient.segment(app) + "/machines", new TypeReference<List<MachineView>>() { }));
    }

    /** As {@link #list}, with removed machines too (state {@code removed}). */
    public static List<MachineView> listAll(Session session, String org, String app) {
        return suggestingNames(session, org, app, () -> session.api().get("/v1/orgs/" + ApiClient.segment(org)
                + "/apps/" + ApiClient.segment(app) + "/machines?all=true", new TypeReference<List<MachineView>>() { }));
    }

    /**
     * Runs {@code call}; when the server answers 404 because the app (or the org) does not exist, the refusal adds
     * the closest names the person may use ("did you mean 'demo'?"). Costs a request only on that failure.
     */
    public static <T> T suggestingNames(Session session, String org, String app, Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            String suggestion;
            try {
                List<String> apps = session.api().get("/v1/orgs/" + ApiClient.segment(org) + "/apps",
                        new TypeReference<List<AppView>>() { }).stream().map(AppView::name).toList();
                suggestion = DidYouMean.suffix(app, apps);
            } catch (ApiException orgMissing) {
                if (orgMissing.status() != 404) {
                    throw e;
                }
                List<String> orgs = session.api().get("/v1/orgs", new TypeReference<List<OrgView>>() { }).stream()
                        .map(OrgView::name).toList();
                suggestion = DidYouMean.suffix(org, orgs);
            }
            if (suggestion.isEmpty()) {
                throw e;
            }
            throw new ApiException(e.status(), e.serverError(), e.getMessage() + suggestion);
        }
    }
}
