package dev.hearth.management.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

/**
 * The progress of the one OTA in flight, in {@code <hearth.data>/ota/state.json}, written
 * atomically before each step, removed when the outcome is known. One OTA is a set of bundles (a
 * bundle install or update is a set of one, a feature a set of several) that is applied and undone
 * as a whole. If the gateway dies in between, the next activation reads it and {@link #decide
 * decides} what to do with the whole set. The file is read as outside input (it may be truncated
 * or tampered with): bounded, strict JSON, every field checked, and the jar names are plain file
 * names inside the OTA folder, never paths. No OSGi.
 *
 * @param op {@code install} or {@code update} (one bundle), or {@code feature}
 * @param feature the feature's name, or empty
 * @param step the last step begun: {@code staged}, {@code updating}, {@code checking}, {@code rolling_back}
 * @param request the request's id, or empty
 * @param graceSeconds the health check's grace period
 * @param devices devices that must publish new readings
 * @param started when the OTA began
 * @param members the bundles of the set
 */
record OtaState(String op, String feature, String step, String request, int graceSeconds, List<String> devices, Instant started,
        List<Member> members) {

    /**
     * One bundle of the set.
     *
     * @param op {@code install} (new) or {@code update} (replaces the installed one)
     * @param bundle the symbolic name
     * @param fromVersion the version before (update), or empty
     * @param toVersion the version being installed
     * @param previousJar the saved previous jar's file name in the OTA folder (update), or empty
     */
    record Member(String op, String bundle, String fromVersion, String toVersion, String previousJar) {
        Member {
            if (!op.equals("install") && !op.equals("update")) throw new IllegalArgumentException("op must be install or update");
            OtaRequest.symbolicName(bundle);
            if (!fromVersion.isEmpty() && !VERSION.matcher(fromVersion).matches()) throw new IllegalArgumentException("bad from_version");
            if (!VERSION.matcher(toVersion).matches()) throw new IllegalArgumentException("bad to_version");
            if (op.equals("update") && !JAR_NAME.matcher(previousJar).matches()) throw new IllegalArgumentException("bad previous_jar");
            if (op.equals("install") && !previousJar.isEmpty()) throw new IllegalArgumentException("an install has no previous jar");
        }

        boolean update() {
            return op.equals("update");
        }
    }

    static final String FILE = "state.json";
    static final long MAX_FILE_BYTES = 64 * 1024;
    /** Most devices checked: those named in the request and those the updated bundles published. */
    static final int MAX_DEVICES = 256;
    static final Set<String> STEPS = Set.of("staged", "updating", "checking", "rolling_back");
    private static final Pattern JAR_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\\.jar");
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9}(\\.[0-9]{1,9}(\\.[A-Za-z0-9_-]{1,64})?)?)?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{0,64}");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._:-]{1,256}");
    private static final Gson GSON = new Gson();

    OtaState {
        if (!op.equals("install") && !op.equals("update") && !op.equals("feature")) throw new IllegalArgumentException("op must be install, update or feature");
        if (op.equals("feature")) OtaRequest.feature(feature);
        else if (!feature.isEmpty()) throw new IllegalArgumentException("only a feature has a feature name");
        if (!STEPS.contains(step)) throw new IllegalArgumentException("unknown step");
        if (!ID.matcher(request).matches()) throw new IllegalArgumentException("bad request id");
        if (graceSeconds < 1 || graceSeconds > OtaRequest.MAX_GRACE_SECONDS) throw new IllegalArgumentException("bad grace_s");
        if (devices.size() > MAX_DEVICES) throw new IllegalArgumentException("too many devices");
        for (String d : devices) if (!DEVICE.matcher(d).matches()) throw new IllegalArgumentException("bad device id");
        devices = List.copyOf(devices);
        if (members.isEmpty() || members.size() > OtaRequest.MAX_MEMBERS) throw new IllegalArgumentException("bad number of bundles");
        if (!op.equals("feature") && (members.size() != 1 || !members.get(0).op().equals(op))) {
            throw new IllegalArgumentException("a bundle " + op + " has one bundle, of that op");
        }
        Set<String> names = new java.util.HashSet<>();
        for (Member m : members) if (!names.add(m.bundle())) throw new IllegalArgumentException("a bundle is in the set twice");
        members = List.copyOf(members);
    }

    /** A set of one (a bundle install or update). */
    static OtaState single(String op, String bundle, String step, String fromVersion, String toVersion, String previousJar,
            String request, int graceSeconds, List<String> devices, Instant started) {
        return new OtaState(op, "", step, request, graceSeconds, devices, started,
                List.of(new Member(op, bundle, fromVersion, toVersion, previousJar)));
    }

    OtaState at(String newStep) {
        return new OtaState(op, feature, newStep, request, graceSeconds, devices, started, members);
    }

    /** The one bundle's name (a set of one), else the feature's name, for logs and events. */
    String label() {
        return members.size() == 1 && !op.equals("feature") ? members.get(0).bundle() : "feature " + feature;
    }

    /** What recovery does with a state file found at activation. */
    enum Decision {
        /** Nothing was changed yet (or there is nothing to act on): forget it. */
        DISCARD,
        /** Check the set now: healthy, the OTA is completed; else undone (updates rolled back, installs removed). */
        CHECK,
        /** Undo without asking: updated bundles back to their saved jars, installed ones removed. */
        ROLL_BACK,
        /** Remove the half-installed bundles (a set of installs only). */
        UNINSTALL
    }

    /** For a set of one: {@link #decideSet} with that bundle's installed version, or null. */
    Decision decide(String installedVersion) {
        return decideSet(bsn -> installedVersion);
    }

    /**
     * The rule (README, "Crash recovery"), for the whole set: before the framework was touched,
     * forget it; if none of its bundles is installed any more, there is nothing to act on; an
     * interrupted rollback is done again; otherwise the set is kept only if every bundle is its
     * new version (an updated one with a different version number than before, so it can be told
     * apart; an installed one present) and the set passes the health check now; else undone.
     *
     * @param installedVersion the version of the bundle with this symbolic name now, or null if none
     */
    Decision decideSet(Function<String, String> installedVersion) {
        if (step.equals("staged")) return Decision.DISCARD;
        boolean anyPresent = false;
        boolean allNew = true;
        boolean allInstalls = true;
        for (Member m : members) {
            String v = installedVersion.apply(m.bundle());
            if (v != null) anyPresent = true;
            if (m.update()) {
                allInstalls = false;
                if (v == null || !v.equals(m.toVersion()) || m.toVersion().equals(m.fromVersion())) allNew = false;
            } else if (v == null) {
                allNew = false;
            }
        }
        if (!anyPresent) return Decision.DISCARD;
        Decision undo = allInstalls ? Decision.UNINSTALL : Decision.ROLL_BACK;
        if (step.equals("rolling_back")) return undo;
        return allNew ? Decision.CHECK : undo;
    }

    String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        if (!feature.isEmpty()) o.addProperty("feature", feature);
        o.addProperty("step", step);
        o.addProperty("request", request);
        o.addProperty("grace_s", graceSeconds);
        JsonArray d = new JsonArray();
        devices.forEach(d::add);
        o.add("devices", d);
        o.addProperty("started", started.toString());
        JsonArray bundles = new JsonArray();
        for (Member m : members) {
            JsonObject b = new JsonObject();
            b.addProperty("op", m.op());
            b.addProperty("bundle", m.bundle());
            b.addProperty("from_version", m.fromVersion());
            b.addProperty("to_version", m.toVersion());
            b.addProperty("previous_jar", m.previousJar());
            bundles.add(b);
        }
        o.add("bundles", bundles);
        return GSON.toJson(o);
    }

    /**
     * Reads what {@link #toJson} wrote, and the single-bundle layout of earlier versions (the
     * member's fields at the top, no {@code bundles}), so an OTA interrupted just before an
     * upgrade of management is still recovered.
     *
     * @throws IllegalArgumentException with the reason, for anything but a state file this class wrote
     */
    static OtaState fromJson(String text) {
        JsonObject o;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(4);
            JsonElement e = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) throw new IOException("more after the JSON value");
            if (e == null || !e.isJsonObject()) throw new IOException("not an object");
            o = e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a state file: " + e.getMessage());
        }
        boolean legacy = !o.has("bundles");
        Json.only(o, legacy ? Set.of("op", "bundle", "step", "from_version", "to_version", "previous_jar", "request", "grace_s", "devices",
                "started") : Set.of("op", "feature", "step", "request", "grace_s", "devices", "started", "bundles"), "the state file");
        List<String> devices = new ArrayList<>();
        JsonArray a = Json.optArray(o, "devices", MAX_DEVICES);
        if (a != null) {
            for (JsonElement d : a) {
                if (!d.isJsonPrimitive() || !d.getAsJsonPrimitive().isString()) throw new IllegalArgumentException("bad device id");
                devices.add(d.getAsString());
            }
        }
        JsonElement g = o.get("grace_s");
        if (g == null || !g.isJsonPrimitive() || !g.getAsJsonPrimitive().isNumber() || g.getAsDouble() != Math.rint(g.getAsDouble())) {
            throw new IllegalArgumentException("bad grace_s");
        }
        Instant started;
        try {
            started = Instant.parse(Json.string(o, "started", 64));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("bad started");
        }
        String op = Json.string(o, "op", 16);
        List<Member> members = new ArrayList<>();
        if (legacy) {
            members.add(member(o, op));
        } else {
            JsonArray bundles = Json.optArray(o, "bundles", OtaRequest.MAX_MEMBERS);
            if (bundles == null) throw new IllegalArgumentException("bad bundles");
            for (JsonElement b : bundles) {
                if (!b.isJsonObject()) throw new IllegalArgumentException("bad bundles");
                Json.only(b.getAsJsonObject(), Set.of("op", "bundle", "from_version", "to_version", "previous_jar"), "the state file's bundles");
                members.add(member(b.getAsJsonObject(), Json.string(b.getAsJsonObject(), "op", 16)));
            }
        }
        return new OtaState(op, orEmpty(Json.optString(o, "feature", 64)), Json.string(o, "step", 32),
                orEmpty(Json.optString(o, "request", 64)),
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, g.getAsDouble())), devices, started, members);
    }

    private static Member member(JsonObject o, String op) {
        return new Member(op, Json.string(o, "bundle", 255), orEmpty(Json.optString(o, "from_version", 120)),
                Json.string(o, "to_version", 120), orEmpty(Json.optString(o, "previous_jar", 220)));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Writes the state: a temporary file in the same folder, flushed to disk, renamed over the old one. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            out.write(toJson().getBytes(StandardCharsets.UTF_8));
            out.flush();
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The state file in {@code dir}: null if there is none.
     *
     * @throws IllegalArgumentException if it is there but unusable (too big, not a state file)
     */
    static OtaState read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        if (Files.size(f) > MAX_FILE_BYTES) throw new IllegalArgumentException("the state file is larger than " + MAX_FILE_BYTES + " bytes");
        byte[] bytes = Files.readAllBytes(f);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("the state file is not UTF-8");
        }
        return fromJson(text);
    }

    static void clear(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }
}
