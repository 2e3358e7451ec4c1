package dev.postern.server;

import dev.postern.common.AppScope;
import dev.postern.common.Logins;
import dev.postern.common.Untrusted;
import dev.postern.store.AccessGrant;
import dev.postern.store.App;
import dev.postern.store.Membership;
import dev.postern.store.Org;
import dev.postern.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The apps and logins a new certificate may carry, decided by the org's access policy ({@link AccessPolicy}).
 * Owners and admins: any valid logins (root by default), every app ({@code *}) unless they name some. Members:
 * only apps they hold grants on, and only logins granted on every app the certificate names (so a login granted
 * on one app is never usable on another); by default all their granted apps and the logins those share.
 *
 * @param apps          the app names, or {@code ["*"]}
 * @param principals    the logins
 * @param grantedAppIds the apps whose grants allow it (a member's), re-checked under lock when it is written
 */
record CertificateScope(List<String> apps, List<String> principals, List<Long> grantedAppIds) {
    CertificateScope {
        apps = List.copyOf(apps);
        principals = List.copyOf(principals);
        grantedAppIds = List.copyOf(grantedAppIds);
    }

    /** The value of the {@value AppScope#EXTENSION} extension. */
    String appsExtension() {
        return AppScope.encode(apps);
    }

    static CertificateScope of(Store store, Org org, Membership subject, List<String> apps, List<String> logins) {
        List<String> requestedApps = apps == null ? List.of() : apps;
        List<String> requestedLogins = checked(logins == null ? List.of() : logins);
        if (subject.role().isAdmin()) {
            List<String> named = new ArrayList<>();
            for (String a : requestedApps) {
                named.add(app(store, org, a).name());
            }
            return new CertificateScope(named.isEmpty() ? List.of(AppScope.ALL) : dedupe(named),
                    requestedLogins.isEmpty() ? List.of("root") : requestedLogins, List.of());
        }
        List<AccessGrant> grants = store.accessGrants().forOrg(org.id()).stream()
                .filter(g -> g.personId() == subject.personId()).toList();
        if (grants.isEmpty()) {
            throw ApiException.forbidden(subject.email() + " holds no access grant in org '" + org.name() + "', so no"
                    + " certificate can be issued; an owner or admin grants one with 'postern access grant --org "
                    + org.name() + " --app APP --email " + subject.email() + " --logins LOGIN'");
        }
        List<AccessGrant> chosen = new ArrayList<>();
        if (requestedApps.isEmpty()) {
            chosen.addAll(grants);
        } else {
            for (String a : dedupe(requestedApps)) {
                App app = app(store, org, a);
                chosen.add(grants.stream().filter(g -> g.appId() == app.id()).findFirst().orElseThrow(
                        () -> ApiException.forbidden(subject.email() + " holds no access grant on app '" + app.name()
                                + "' in org '" + org.name() + "'; an owner or admin grants one with 'postern access"
                                + " grant --org " + org.name() + " --app " + app.name() + " --email "
                                + subject.email() + " --logins LOGIN'")));
            }
        }
        Set<String> shared = new LinkedHashSet<>(chosen.get(0).logins());
        for (AccessGrant g : chosen) {
            shared.retainAll(g.logins());
        }
        List<String> appNames = chosen.stream().map(AccessGrant::app).toList();
        List<Long> appIds = chosen.stream().map(AccessGrant::appId).toList();
        if (requestedLogins.isEmpty()) {
            if (shared.isEmpty()) {
                throw ApiException.badRequest("the grants of " + subject.email() + " on apps "
                        + String.join(",", appNames) + " share no login; issue one certificate per app (--app A)");
            }
            return new CertificateScope(appNames, new ArrayList<>(shared), appIds);
        }
        for (String login : requestedLogins) {
            if (!shared.contains(login)) {
                throw ApiException.forbidden("members may only be issued logins their grants give on every app the"
                        + " certificate is for (" + String.join(",", appNames) + ": " + String.join(",", shared)
                        + "), not '" + login + "'; an owner or admin adds it with 'postern access grant'");
            }
        }
        return new CertificateScope(appNames, requestedLogins, appIds);
    }

    private static List<String> checked(List<String> logins) {
        List<String> out = new ArrayList<>();
        for (String p : logins) {
            String name = p == null ? "" : p.trim();
            if (!Logins.isValid(name)) {
                throw ApiException.badRequest("username " + Untrusted.quote(p) + " is not a valid login name; use"
                        + " lower-case letters, digits, '_', '.', '-' (e.g. -u root,deploy)");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static App app(Store store, Org org, String name) {
        return store.apps().byName(org.id(), name == null ? "" : name.trim()).orElseThrow(() -> ApiException.notFound(
                "app " + Untrusted.quote(name) + " not found in org '" + org.name() + "'; see 'postern apps list"
                        + " --org " + org.name() + "'"));
    }

    private static List<String> dedupe(List<String> names) {
        return List.copyOf(new LinkedHashSet<>(names));
    }
}
