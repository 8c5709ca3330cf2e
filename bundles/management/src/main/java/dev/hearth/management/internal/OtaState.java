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
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

/**
 * The progress of the one OTA in flight, in {@code <hearth.data>/ota/state.json}, written
 * atomically before each step, removed when the outcome is known. If the gateway dies in between,
 * the next activation reads it and {@link #decide decides} what to do. The file is read as outside
 * input (it may be truncated or tampered with): bounded, strict JSON, every field checked, and the
 * jar names are plain file names inside the OTA folder, never paths. No OSGi.
 *
 * @param op {@code install} or {@code update}
 * @param bundle the symbolic name
 * @param step the last step begun: {@code staged}, {@code updating}, {@code checking}, {@code rolling_back}
 * @param fromVersion the version before (update), or empty
 * @param toVersion the version being installed
 * @param previousJar the saved previous jar's file name in the OTA folder (update), or empty
 * @param request the request's id, or empty
 * @param graceSeconds the health check's grace period
 * @param devices devices that must publish new readings
 * @param started when the OTA began
 */
record OtaState(String op, String bundle, String step, String fromVersion, String toVersion, String previousJar,
        String request, int graceSeconds, List<String> devices, Instant started) {

    static final String FILE = "state.json";
    static final long MAX_FILE_BYTES = 16 * 1024;
    static final Set<String> STEPS = Set.of("staged", "updating", "checking", "rolling_back");
    private static final Pattern JAR_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\\.jar");
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9}(\\.[0-9]{1,9}(\\.[A-Za-z0-9_-]{1,64})?)?)?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{0,64}");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._:-]{1,256}");
    private static final Gson GSON = new Gson();

    OtaState {
        if (!op.equals("install") && !op.equals("update")) throw new IllegalArgumentException("op must be install or update");
        OtaRequest.symbolicName(bundle);
        if (!STEPS.contains(step)) throw new IllegalArgumentException("unknown step");
        if (!fromVersion.isEmpty() && !VERSION.matcher(fromVersion).matches()) throw new IllegalArgumentException("bad from_version");
        if (!VERSION.matcher(toVersion).matches()) throw new IllegalArgumentException("bad to_version");
        if (op.equals("update") && !JAR_NAME.matcher(previousJar).matches()) throw new IllegalArgumentException("bad previous_jar");
        if (op.equals("install") && !previousJar.isEmpty()) throw new IllegalArgumentException("an install has no previous jar");
        if (!ID.matcher(request).matches()) throw new IllegalArgumentException("bad request id");
        if (graceSeconds < 1 || graceSeconds > OtaRequest.MAX_GRACE_SECONDS) throw new IllegalArgumentException("bad grace_s");
        if (devices.size() > OtaRequest.MAX_DEVICES) throw new IllegalArgumentException("too many devices");
        for (String d : devices) if (!DEVICE.matcher(d).matches()) throw new IllegalArgumentException("bad device id");
        devices = List.copyOf(devices);
    }

    OtaState at(String newStep) {
        return new OtaState(op, bundle, newStep, fromVersion, toVersion, previousJar, request, graceSeconds, devices, started);
    }

    /** What recovery does with a state file found at activation. */
    enum Decision {
        /** Nothing was changed yet (or there is nothing to act on): forget it. */
        DISCARD,
        /** Check the bundle now: healthy, the OTA is completed; else roll back (update) or uninstall (install). */
        CHECK,
        /** Back to the saved previous jar without asking. */
        ROLL_BACK,
        /** Remove the half-installed bundle. */
        UNINSTALL
    }

    /**
     * The rule (README, "Crash recovery"): before the framework was touched, forget it; an update
     * interrupted after the new version was installed is kept only if it is that new version (a
     * different version number than before, so it can be told apart) and passes the health check
     * now, otherwise rolled back; an interrupted rollback is done again; an interrupted install
     * is kept only if healthy, else uninstalled.
     *
     * @param installedVersion the version of the bundle with this symbolic name now, or null if none
     */
    Decision decide(String installedVersion) {
        if (step.equals("staged")) return Decision.DISCARD;
        if (op.equals("install")) {
            if (installedVersion == null) return Decision.DISCARD;
            return step.equals("rolling_back") ? Decision.UNINSTALL : Decision.CHECK;
        }
        if (installedVersion == null) return Decision.DISCARD; // uninstalled meanwhile: nothing to roll back
        if (step.equals("rolling_back")) return Decision.ROLL_BACK;
        if (installedVersion.equals(toVersion) && !toVersion.equals(fromVersion)) return Decision.CHECK;
        return Decision.ROLL_BACK;
    }

    String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        o.addProperty("bundle", bundle);
        o.addProperty("step", step);
        o.addProperty("from_version", fromVersion);
        o.addProperty("to_version", toVersion);
        o.addProperty("previous_jar", previousJar);
        o.addProperty("request", request);
        o.addProperty("grace_s", graceSeconds);
        JsonArray d = new JsonArray();
        devices.forEach(d::add);
        o.add("devices", d);
        o.addProperty("started", started.toString());
        return GSON.toJson(o);
    }

    /** @throws IllegalArgumentException with the reason, for anything but a state file this class wrote */
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
        Json.only(o, Set.of("op", "bundle", "step", "from_version", "to_version", "previous_jar", "request", "grace_s", "devices",
                "started"), "the state file");
        List<String> devices = new ArrayList<>();
        JsonArray a = Json.optArray(o, "devices", OtaRequest.MAX_DEVICES);
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
        return new OtaState(Json.string(o, "op", 16), Json.string(o, "bundle", 255), Json.string(o, "step", 32),
                orEmpty(Json.optString(o, "from_version", 120)), Json.string(o, "to_version", 120),
                orEmpty(Json.optString(o, "previous_jar", 220)), orEmpty(Json.optString(o, "request", 64)),
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, g.getAsDouble())), devices, started);
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
