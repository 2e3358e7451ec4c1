package dev.postern.common.api;

import java.util.List;

/** An app's secrets: the newest and the deployed version, and each name (never a value). */
public record SecretsView(String org, String app, long latestVersion, long deployedVersion,
                          List<SecretView> secrets) {
    public SecretsView {
        secrets = List.copyOf(secrets);
    }
}
