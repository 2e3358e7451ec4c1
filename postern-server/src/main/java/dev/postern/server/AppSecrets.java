package dev.postern.server;

import dev.postern.ca.KeySealer;
import dev.postern.common.Untrusted;
import dev.postern.common.api.SecretView;
import dev.postern.common.api.SecretsView;
import dev.postern.gateway.DeployedSecrets;
import dev.postern.store.SecretChange;
import dev.postern.store.SecretVersions;
import dev.postern.store.StoredSecret;
import dev.postern.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * App secrets as the control plane handles them: names checked, values bounded, sealed under the master key
 * (bound to the app and name, as CA keys are to their org and role) and digested with an HMAC under a key derived
 * from the master key, so a listed digest of a short value cannot be brute-forced by whoever reads the API or
 * the database. Values are opened only to hand the deployed version to the gateway.
 */
final class AppSecrets {
    static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    static final int MAX_VALUE_BYTES = 32 * 1024;
    static final int MAX_NAMES = 100;
    /** Names and values of one app together: they all go into every process's environment. */
    static final int MAX_TOTAL_BYTES = 64 * 1024;
    private static final int SEAL_OVERHEAD = 1 + 12 + 16;
    private static final int DIGEST_HEX = 16;

    private final KeySealer sealer;
    private final SecretKeySpec digestKey;

    AppSecrets(KeySealer sealer, byte[] masterKey) {
        this.sealer = sealer;
        this.digestKey = new SecretKeySpec(hmac(new SecretKeySpec(masterKey, "HmacSHA256"),
                "postern secret digest v1".getBytes(StandardCharsets.US_ASCII)), "HmacSHA256");
    }

    /** The name if it is a valid secret name; else a 400 naming it and the rule. */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            // a NAME=VALUE pasted as a name must not come back (and be shown or logged) with its value
            String n = String.valueOf(name);
            int eq = n.indexOf('=');
            throw ApiException.badRequest("secret name " + Untrusted.quote(eq >= 0 ? n.substring(0, eq) : n)
                    + (eq >= 0 ? " followed by '=...'" : "") + " is not valid; use upper-case letters, digits and"
                    + " '_', not starting with a digit (e.g. DATABASE_URL), at most 128 characters");
        }
        if (name.startsWith("POSTERN_")) {
            throw ApiException.badRequest("secret name " + name + " is reserved: POSTERN_* variables are the"
                    + " agent's own and never reach the app; pick another name");
        }
        return name;
    }

    /** A set change: the value sealed for this app and name, with its digest. The value is never quoted. */
    SecretChange seal(long appId, String name, String value) {
        if (value == null) {
            throw ApiException.badRequest("secret " + name + " has no value; give NAME=VALUE, NAME=- (stdin) or"
                    + " NAME=@FILE");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw ApiException.badRequest("the value of secret " + name + " is " + bytes.length + " bytes; at most "
                    + MAX_VALUE_BYTES + " are allowed");
        }
        if (value.indexOf('\0') >= 0) {
            throw ApiException.badRequest("the value of secret " + name + " contains a NUL character, which no"
                    + " environment variable can hold; remove it (base64-encode binary values)");
        }
        return new SecretChange(name, sealer.seal(bytes, context(appId, name)), digest(bytes));
    }

    private String digest(byte[] value) {
        return HexFormat.of().formatHex(hmac(digestKey, value)).substring(0, DIGEST_HEX);
    }

    /**
     * Refuses a change that would leave the app with more than {@link #MAX_NAMES} secrets or
     * {@link #MAX_TOTAL_BYTES} of them; measured on sealed sizes, so nothing is opened.
     */
    static void checkLimits(List<StoredSecret> history, List<SecretChange> changes) {
        Map<String, Integer> sizes = new TreeMap<>();
        for (StoredSecret s : latest(history, Long.MAX_VALUE).values()) {
            if (!s.unset()) {
                sizes.put(s.name(), s.name().length() + s.sealedValue().length - SEAL_OVERHEAD);
            }
        }
        for (SecretChange c : changes) {
            if (c.sealedValue() == null) {
                sizes.remove(c.name());
            } else {
                sizes.put(c.name(), c.name().length() + c.sealedValue().length - SEAL_OVERHEAD);
            }
        }
        int total = sizes.values().stream().mapToInt(Integer::intValue).sum();
        if (sizes.size() > MAX_NAMES) {
            throw ApiException.badRequest("an app may have at most " + MAX_NAMES + " secrets; this change would"
                    + " leave " + sizes.size() + ". Unset some with 'postern secrets unset'");
        }
        if (total > MAX_TOTAL_BYTES) {
            throw ApiException.badRequest("an app's secrets may total at most " + MAX_TOTAL_BYTES + " bytes (names"
                    + " and values); this change would leave " + total + ". Unset some with 'postern secrets unset'");
        }
    }

    /** The values of the app's deployed version, opened; for the gateway to hand to the app's machines. */
    DeployedSecrets deployed(Store store, long appId) {
        SecretVersions versions = store.secrets().versions(appId);
        if (versions.deployed() == 0) {
            return DeployedSecrets.NONE;
        }
        Map<String, String> values = new TreeMap<>();
        for (StoredSecret s : latest(store.secrets().history(appId), versions.deployed()).values()) {
            if (!s.unset()) {
                values.put(s.name(), new String(sealer.open(s.sealedValue(), context(appId, s.name())),
                        StandardCharsets.UTF_8));
            }
        }
        return new DeployedSecrets(versions.deployed(), values);
    }

    /** What {@code secrets list} shows: each name's newest change, and whether it is deployed. */
    static SecretsView view(String org, String app, SecretVersions versions, List<StoredSecret> history) {
        Map<String, StoredSecret> deployed = latest(history, versions.deployed());
        List<SecretView> rows = new ArrayList<>();
        for (StoredSecret s : latest(history, Long.MAX_VALUE).values()) {
            boolean live = s.version() <= versions.deployed();
            if (s.unset() && (live || !deployed.containsKey(s.name()) || deployed.get(s.name()).unset())) {
                continue; // gone, or unset before it was ever deployed: nothing to show
            }
            String state = live ? "deployed" : s.unset() ? "staged-unset" : "staged";
            rows.add(new SecretView(s.name(), s.version(), s.digest(), s.setBy(), s.setAt(), state));
        }
        return new SecretsView(org, app, versions.latest(), versions.deployed(), rows);
    }

    /** Each name's newest row at or below {@code version}, by name. */
    private static Map<String, StoredSecret> latest(List<StoredSecret> history, long version) {
        Map<String, StoredSecret> out = new LinkedHashMap<>();
        for (StoredSecret s : history) {
            if (s.version() <= version) {
                StoredSecret seen = out.get(s.name());
                if (seen == null || seen.version() < s.version()) {
                    out.put(s.name(), s);
                }
            }
        }
        return new TreeMap<>(out);
    }

    private static String context(long appId, String name) {
        return "app:" + appId + ":secret:" + name;
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AppSecrets[sealed under the master key]";
    }
}
