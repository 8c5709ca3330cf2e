package dev.hearth.management.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One OTA request, checked: the operation ({@code bundle/install}, {@code bundle/update},
 * {@code bundle/uninstall}, {@code bundle/start}, {@code bundle/stop}, {@code bundle/list},
 * {@code feature/install}, {@code feature/uninstall}), the bundle's symbolic name, and for install
 * and update the artifacts ({@link Source}: an http(s) {@code url} or base64 {@code data}, its
 * expected {@code sha256}), the health check's {@code grace_s} and the {@code devices} that must
 * publish new readings within it. A bundle install or update is a set of one; a feature is a set
 * of up to {@link #MAX_MEMBERS}. Pure: no OSGi, no network.
 *
 * @param bundle the symbolic name of the bundle acted on ({@code null} for list, install and features)
 * @param graceSeconds the health check's grace period; 0: the configured default
 * @param devices devices that must publish a new reading within the grace period
 * @param devicesGiven whether {@code devices} was in the request (else the devices the updated bundles published are checked)
 * @param start whether installed bundles are started (bundle/install only; default true)
 * @param feature the feature's name (feature requests), else {@code null}
 * @param members the artifacts (install and update), or the symbolic names to remove (feature/uninstall, in {@code bundle})
 */
record OtaRequest(String op, String bundle, int graceSeconds, List<String> devices, boolean devicesGiven, boolean start,
        String feature, List<Source> members) {

    /**
     * One artifact of the set.
     *
     * @param bundle the symbolic name it must have, or {@code null} (any; for a bundle/install)
     * @param url its URL, or {@code null}
     * @param data the inline artifact, or {@code null}
     * @param sha256 the expected SHA-256, lower-case hex
     */
    record Source(String bundle, String url, byte[] data, String sha256) {
    }

    static final Set<String> OPS = Set.of("bundle/list", "bundle/install", "bundle/update", "bundle/uninstall",
            "bundle/start", "bundle/stop", "feature/install", "feature/uninstall", "feature/list");
    static final int MAX_GRACE_SECONDS = 600;
    static final int MAX_DEVICES = 64;
    /** Most bundles in one feature. */
    static final int MAX_MEMBERS = 16;
    /** A symbolic name: dotted tokens (OSGi core 3.2.5), bounded. */
    static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    /** A feature name: also a file name in the OTA folder, so no path characters and no leading dot. */
    static final Pattern FEATURE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._:-]{1,256}");

    /** The one artifact of a bundle install or update. */
    Source source() {
        return members.get(0);
    }

    String url() {
        return members.isEmpty() ? null : source().url();
    }

    byte[] data() {
        return members.isEmpty() ? null : source().data();
    }

    String sha256() {
        return members.isEmpty() ? null : source().sha256();
    }

    /**
     * @param maxInlineBytes the largest decoded inline artifact, and the largest total of a feature's inline artifacts
     * @throws IllegalArgumentException with the reason
     */
    static OtaRequest parse(String op, JsonObject body, long maxInlineBytes) {
        if (!OPS.contains(op)) throw new IllegalArgumentException("not an OTA operation: " + op);
        switch (op) {
            case "bundle/list", "feature/list" -> {
                Json.only(body, Set.of(), op);
                return new OtaRequest(op, null, 0, List.of(), false, false, null, List.of());
            }
            case "bundle/start", "bundle/stop", "bundle/uninstall" -> {
                Json.only(body, Set.of("bundle"), op);
                return new OtaRequest(op, symbolicName(Json.string(body, "bundle", 255)), 0, List.of(), false, false, null, List.of());
            }
            case "feature/uninstall" -> {
                Json.only(body, Set.of("feature", "bundles"), op);
                String feature = feature(Json.string(body, "feature", 64));
                List<Source> names = new ArrayList<>();
                JsonArray a = Json.optArray(body, "bundles", MAX_MEMBERS);
                if (a != null) {
                    if (a.isEmpty()) throw new IllegalArgumentException("'bundles' is empty");
                    for (JsonElement e : a) {
                        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new IllegalArgumentException("'bundles' must list symbolic names");
                        String n = symbolicName(e.getAsString());
                        if (names.stream().anyMatch(x -> x.bundle().equals(n))) throw new IllegalArgumentException("'" + n + "' is listed twice");
                        names.add(new Source(n, null, null, null));
                    }
                }
                return new OtaRequest(op, null, 0, List.of(), false, false, feature, List.copyOf(names));
            }
            case "feature/install" -> {
                Json.only(body, Set.of("feature", "bundles", "grace_s", "devices"), op);
                String feature = feature(Json.string(body, "feature", 64));
                JsonArray a = Json.optArray(body, "bundles", MAX_MEMBERS);
                if (a == null || a.isEmpty()) throw new IllegalArgumentException("'bundles' must list the feature's artifacts (1 to " + MAX_MEMBERS + ")");
                List<Source> members = new ArrayList<>();
                long total = 0;
                for (JsonElement e : a) {
                    String where = "bundles[" + members.size() + "]";
                    if (!e.isJsonObject()) throw new IllegalArgumentException(where + " must be an object");
                    JsonObject m = e.getAsJsonObject();
                    Json.only(m, Set.of("bundle", "url", "data", "sha256"), where);
                    String bsn = Json.optString(m, "bundle", 255);
                    if (bsn != null) symbolicName(bsn);
                    Source s = source(m, bsn, maxInlineBytes - total, where);
                    if (s.data() != null) total += s.data().length;
                    for (Source o : members) {
                        if (bsn != null && bsn.equals(o.bundle())) throw new IllegalArgumentException("'" + bsn + "' is in the feature twice");
                        if (o.sha256().equals(s.sha256())) throw new IllegalArgumentException(where + " is the same artifact as another member");
                    }
                    members.add(s);
                }
                Devices d = devices(body);
                return new OtaRequest(op, null, grace(body), d.list(), d.given(), true, feature, List.copyOf(members));
            }
            default -> {
                boolean install = op.equals("bundle/install");
                Json.only(body, install ? Set.of("url", "data", "sha256", "grace_s", "devices", "start")
                        : Set.of("bundle", "url", "data", "sha256", "grace_s", "devices"), op);
                String bundle = install ? null : symbolicName(Json.string(body, "bundle", 255));
                Source s = source(body, bundle, maxInlineBytes, null);
                Devices d = devices(body);
                boolean start = !body.has("start") || body.get("start").isJsonNull() || Json.optBoolean(body, "start");
                return new OtaRequest(op, bundle, grace(body), d.list(), d.given(), start, null, List.of(s));
            }
        }
    }

    /** An artifact's {@code url} or {@code data}, and {@code sha256}; {@code where} names the member in errors (null: the request). */
    private static Source source(JsonObject body, String bundle, long maxInlineBytes, String where) {
        String in = where == null ? "" : " in " + where;
        String url = Json.optString(body, "url", 2048);
        String data = Json.optString(body, "data", Integer.MAX_VALUE);
        if ((url == null) == (data == null)) throw new IllegalArgumentException("give the artifact as 'url' or as 'data' (base64), one of them" + in);
        if (url != null) checkUrl(url);
        byte[] bytes = null;
        if (data != null) {
            String limit = where == null ? "'data' is larger than the limit of " + maxInlineBytes + " bytes"
                    : "the feature's inline artifacts together are larger than the limit (" + where + ")";
            // base64 grows 4/3: refuse before decoding what would be too big anyway
            if ((long) data.length() / 4 * 3 > maxInlineBytes + 3) throw new IllegalArgumentException(limit);
            try {
                bytes = Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'data' is not base64" + in + ": " + e.getMessage());
            }
            if (bytes.length > maxInlineBytes) throw new IllegalArgumentException(limit);
            if (bytes.length == 0) throw new IllegalArgumentException("'data' is empty" + in);
        }
        String sha = Json.string(body, "sha256", 64 + 8);
        if (!SHA256.matcher(sha).matches()) throw new IllegalArgumentException("'sha256' must be 64 hexadecimal digits" + in);
        return new Source(bundle, url, bytes, sha.toLowerCase(Locale.ROOT));
    }

    private static int grace(JsonObject body) {
        JsonElement g = body.get("grace_s");
        if (g == null || g.isJsonNull()) return 0;
        if (!g.isJsonPrimitive() || !g.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException("'grace_s' must be a number");
        double d = g.getAsDouble();
        if (d != Math.rint(d) || d < 1 || d > MAX_GRACE_SECONDS) {
            throw new IllegalArgumentException("'grace_s' must be a whole number from 1 to " + MAX_GRACE_SECONDS);
        }
        return (int) d;
    }

    private record Devices(List<String> list, boolean given) {
    }

    private static Devices devices(JsonObject body) {
        List<String> devices = new ArrayList<>();
        JsonArray a = Json.optArray(body, "devices", MAX_DEVICES);
        if (a != null) {
            for (JsonElement e : a) {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || !DEVICE.matcher(e.getAsString()).matches()) {
                    throw new IllegalArgumentException("'devices' must list device ids (letters, digits, '.', '_', ':', '-')");
                }
                if (!devices.contains(e.getAsString())) devices.add(e.getAsString());
            }
        }
        return new Devices(List.copyOf(devices), a != null);
    }

    static String feature(String s) {
        if (!FEATURE.matcher(s).matches()) throw new IllegalArgumentException("'" + brief(s) + "' is not a feature name (letters, digits, '.', '_', '-'; at most 64)");
        return s;
    }

    static String symbolicName(String s) {
        if (s.length() > 255 || !SYMBOLIC_NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + brief(s) + "' is not a bundle symbolic name");
        }
        return s;
    }

    /** http or https, with a host, without credentials in it (they would end up in logs and events). */
    static void checkUrl(String url) {
        java.net.URI u;
        try {
            u = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'url' is not a URL: " + brief(e.getMessage()));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) throw new IllegalArgumentException("'url' must be https (or http if allowed)");
        if (u.getHost() == null || u.getHost().isEmpty()) throw new IllegalArgumentException("'url' has no host");
        if (u.getRawUserInfo() != null) throw new IllegalArgumentException("'url' must not carry credentials");
    }

    private static String brief(String s) {
        String t = s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
