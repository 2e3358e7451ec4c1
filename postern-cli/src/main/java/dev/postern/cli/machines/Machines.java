package dev.postern.cli.machines;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.common.api.MachineView;
import java.util.List;

/** Reads an app's machines from the API. */
public final class Machines {
    private Machines() {
    }

    public static List<MachineView> list(Session session, String org, String app) {
        return session.api().get("/v1/orgs/" + ApiClient.segment(org) + "/apps/" + ApiClient.segment(app) + "/machines",
                new TypeReference<List<MachineView>>() { });
    }

    /** As {@link #list}, with removed machines too (state {@code removed}). */
    public static List<MachineView> listAll(Session session, String org, String app) {
        return session.api().get("/v1/orgs/" + ApiClient.segment(org) + "/apps/" + ApiClient.segment(app)
                + "/machines?all=true", new TypeReference<List<MachineView>>() { });
    }
}
