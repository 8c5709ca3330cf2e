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
 * {@code bundle/uninstall}, {@code bundle/start}, {@code bundle/stop}, {@code bundle/list}), the
 * bundle's symbolic name, and for install and update the artifact (an http(s) {@code url} or
 * base64 {@code data}), its expected {@code sha256}, the health check's {@code grace_s} and the
 * {@code devices} that must publish new readings within it. Pure: no OSGi, no network.
 *
 * @param bundle the symbolic name of the bundle acted on ({@code null} for list, and for install: taken from the jar)
 * @param url the artifact's URL, or {@code null}
 * @param data the inline artifact, or {@code null}
 * @param sha256 the expected SHA-256, lower-case hex, or {@code null} (list, start, stop, uninstall)
 * @param graceSeconds the health check's grace period; 0: the configured default
 * @param devices devices that must publish a new reading within the grace period (besides those detected)
 * @param start whether an installed bundle is started (install only; default true)
 */
record OtaRequest(String op, String bundle, String url, byte[] data, String sha256, int graceSeconds, List<String> devices,
        boolean start) {

    static final Set<String> OPS = Set.of("bundle/list", "bundle/install", "bundle/update", "bundle/uninstall",
            "bundle/start", "bundle/stop");
    static final int MAX_GRACE_SECONDS = 600;
    static final int MAX_DEVICES = 64;
    /** A symbolic name: dotted tokens (OSGi core 3.2.5), bounded. */
    static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._:-]{1,256}");

    /**
     * @param maxInlineBytes the largest decoded inline artifact
     * @throws IllegalArgumentException with the reason
     */
    static OtaRequest parse(String op, JsonObject body, long maxInlineBytes) {
        if (!OPS.contains(op)) throw new IllegalArgumentException("not an OTA operation: " + op);
        switch (op) {
            case "bundle/list" -> {
                Json.only(body, Set.of(), op);
                return new OtaRequest(op, null, null, null, null, 0, List.of(), false);
            }
            case "bundle/start", "bundle/stop", "bundle/uninstall" -> {
                Json.only(body, Set.of("bundle"), op);
                return new OtaRequest(op, symbolicName(Json.string(body, "bundle", 255)), null, null, null, 0, List.of(), false);
            }
            default -> {
                boolean install = op.equals("bundle/install");
                Json.only(body, install ? Set.of("url", "data", "sha256", "grace_s", "devices", "start")
                        : Set.of("bundle", "url", "data", "sha256", "grace_s", "devices"), op);
                String bundle = install ? null : symbolicName(Json.string(body, "bundle", 255));
                String url = Json.optString(body, "url", 2048);
                String data = Json.optString(body, "data", Integer.MAX_VALUE);
                if ((url == null) == (data == null)) throw new IllegalArgumentException("give the artifact as 'url' or as 'data' (base64), one of them");
                if (url != null) checkUrl(url);
                byte[] bytes = null;
                if (data != null) {
                    // base64 grows 4/3: refuse before decoding what would be too big anyway
                    if ((long) data.length() / 4 * 3 > maxInlineBytes + 3) {
                        throw new IllegalArgumentException("'data' is larger than the limit of " + maxInlineBytes + " bytes");
                    }
                    try {
                        bytes = Base64.getDecoder().decode(data);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("'data' is not base64: " + e.getMessage());
                    }
                    if (bytes.length > maxInlineBytes) throw new IllegalArgumentException("'data' is larger than the limit of " + maxInlineBytes + " bytes");
                    if (bytes.length == 0) throw new IllegalArgumentException("'data' is empty");
                }
                String sha = Json.string(body, "sha256", 64 + 8);
                if (!SHA256.matcher(sha).matches()) throw new IllegalArgumentException("'sha256' must be 64 hexadecimal digits");
                int grace = 0;
                JsonElement g = body.get("grace_s");
                if (g != null && !g.isJsonNull()) {
                    if (!g.isJsonPrimitive() || !g.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException("'grace_s' must be a number");
                    double d = g.getAsDouble();
                    if (d != Math.rint(d) || d < 1 || d > MAX_GRACE_SECONDS) {
                        throw new IllegalArgumentException("'grace_s' must be a whole number from 1 to " + MAX_GRACE_SECONDS);
                    }
                    grace = (int) d;
                }
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
                boolean start = !body.has("start") || body.get("start").isJsonNull() || Json.optBoolean(body, "start");
                return new OtaRequest(op, bundle, url, bytes, sha.toLowerCase(Locale.ROOT), grace, List.copyOf(devices), start);
            }
        }
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
