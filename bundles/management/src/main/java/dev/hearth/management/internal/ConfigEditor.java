package dev.hearth.management.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.google.gson.JsonElement;

/**
 * Sets and deletes configurations all or nothing: every part of a request is checked first
 * (Metatype, secrets, what the {@code .cfg} file can hold); only if every part passes are they
 * applied, one after the other, each stored in ConfigAdmin and then written to its file in
 * {@code config/}; if one fails, the ones applied before it get their previous properties and
 * file back (or are deleted again if they were created). No OSGi here: the store and the Metatype
 * lookup are given.
 */
final class ConfigEditor {

    static final String FILENAME_KEY = "felix.fileinstall.filename";

    /**
     * Not changed remotely: management's own configuration. A wrong broker setting sent over MQTT
     * would cut the line it came on, with no way back but the file on the gateway.
     */
    static final String OWN_PID = "dev.hearth.management";

    /** What a request asks for one configuration. {@code properties}: JSON values, JSON null removes the key. */
    record Edit(Target target, Map<String, JsonElement> properties, boolean replace, boolean delete) {
    }

    /** One planned change, checked. {@code after == null}: delete. */
    record Change(Target target, Map<String, String> before, Map<String, String> after, Path file, byte[] fileBefore,
            Set<String> passwordKeys, List<String> warnings) {
    }

    /** The outcome for one configuration. */
    record Result(Target target, String status, String error, Map<String, Object> properties, String file, List<String> warnings) {
    }

    /** The plan, or the reasons it was refused (per target, in request order). */
    record Plan(List<Change> changes, Map<Target, List<String>> problems) {
        boolean refused() {
            return problems.values().stream().anyMatch(p -> !p.isEmpty());
        }
    }

    private final ConfigStore store;
    private final Function<Target, MetatypeCheck> metatype;
    private final Path configDir;

    /**
     * @param metatype the Metatype of a target; throws {@link IllegalArgumentException} with the
     *     reason if there is none (unknown PID, a factory PID without a name, ...)
     * @param configDir FileInstall's folder; {@code null}: files are not written (reported)
     */
    ConfigEditor(ConfigStore store, Function<Target, MetatypeCheck> metatype, Path configDir) {
        this.store = store;
        this.metatype = metatype;
        this.configDir = configDir;
    }

    /** Checks every edit; nothing is changed. */
    Plan plan(List<Edit> edits) {
        List<Change> changes = new ArrayList<>();
        Map<Target, List<String>> problems = new LinkedHashMap<>();
        Set<Target> seen = new HashSet<>();
        for (Edit edit : edits) {
            List<String> p = problems.computeIfAbsent(edit.target(), t -> new ArrayList<>());
            if (!seen.add(edit.target())) {
                p.add("named twice in one request");
                continue;
            }
            try {
                Change c = planOne(edit, p);
                if (c != null) changes.add(c);
            } catch (IllegalArgumentException e) {
                p.add(e.getMessage());
            } catch (IOException e) {
                p.add("cannot read its configuration: " + e.getMessage());
            }
        }
        return new Plan(changes, problems);
    }

    private Change planOne(Edit edit, List<String> problems) throws IOException {
        Target t = edit.target();
        if (t.metatypePid().equals(OWN_PID)) {
            problems.add("management's own configuration is not changed over MQTT (it would cut the connection the request "
                    + "came on); change config/" + OWN_PID + ".cfg on the gateway");
            return null;
        }
        ConfigStore.Stored stored = store.get(t);
        Path file = fileOf(t, stored);
        byte[] fileBefore = file != null && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        if (edit.delete()) {
            if (stored == null && fileBefore == null) {
                problems.add("has no configuration to delete");
                return null;
            }
            Set<String> pw = passwordKeysOrEmpty(t);
            return new Change(t, stored == null ? null : stored.properties(), null, file, fileBefore, pw, List.of());
        }
        MetatypeCheck check = metatype.apply(t);
        if (stored != null && !stored.notText().isEmpty()) {
            problems.add("holds values a .cfg file cannot express " + stored.notText() + "; change it by hand");
            return null;
        }
        if (stored != null && stored.fileUri() != null && file == null) {
            problems.add("comes from " + stored.fileUri() + ", which is not a .cfg file in the configuration folder; change it there");
            return null;
        }
        Map<String, String> before = stored == null ? null : stored.properties();
        Map<String, String> after = new TreeMap<>(edit.replace() || before == null ? Map.of() : before);
        Set<String> pw = check.passwordKeys();
        for (Map.Entry<String, JsonElement> e : edit.properties().entrySet()) {
            String key = e.getKey();
            JsonElement v = e.getValue();
            if (v == null || v.isJsonNull()) {
                after.remove(key);
                continue;
            }
            String text;
            try {
                text = check.toText(key, v);
            } catch (IllegalArgumentException ex) {
                problems.add(ex.getMessage());
                continue;
            }
            if (Secrets.isSecret(key, pw) && text.equals(Secrets.MASK)) {
                // the masked value sent back: keep the secret as it is
                String old = before == null ? null : before.get(key);
                if (old == null) problems.add("'" + key + "' is " + Secrets.MASK + " (keep) but has no value to keep");
                else after.put(key, old);
                continue;
            }
            after.put(key, text);
        }
        problems.addAll(check.problems(after, edit.properties().keySet()));
        String fileProblem = CfgFile.fileProblem(after);
        if (fileProblem != null) problems.add(fileProblem);
        List<String> warnings = new ArrayList<>();
        List<String> unknown = check.unknownKeys(after);
        if (!unknown.isEmpty()) warnings.add("kept keys the Metatype does not know: " + unknown);
        if (file == null) warnings.add("no configuration folder: the change is not written to a file and lasts until restart");
        if (!problems.isEmpty()) return null;
        return new Change(t, before, after, file, fileBefore, pw, warnings);
    }

    private Set<String> passwordKeysOrEmpty(Target t) {
        try {
            return metatype.apply(t).passwordKeys();
        } catch (IllegalArgumentException e) {
            return Set.of();
        }
    }

    /** The target's file: the {@code .cfg} FileInstall read it from, else FileInstall's name for it; null if not a .cfg here. */
    Path fileOf(Target t, ConfigStore.Stored stored) {
        if (configDir == null) return null;
        if (stored != null && stored.fileUri() != null) {
            try {
                Path p = Path.of(URI.create(stored.fileUri()));
                if (p.getFileName().toString().endsWith(".cfg")) return p;
            } catch (RuntimeException e) {
                // not a file URI: treated as not a .cfg here
            }
            return null;
        }
        return t.file(configDir);
    }

    /**
     * Applies a plan that was not refused, in order; on the first failure restores what was
     * applied before it. One result per change: {@code applied}, {@code created} or {@code deleted}, or {@code failed} (the one that
     * broke), {@code rolled_back} (applied, then restored) and {@code not_applied} (after it).
     */
    List<Result> apply(Plan plan, String requestId) {
        if (plan.refused()) throw new IllegalStateException("a refused plan is not applied");
        List<Change> changes = plan.changes();
        List<Result> results = new ArrayList<>();
        int failedAt = -1;
        String failure = null;
        for (int i = 0; i < changes.size(); i++) {
            try {
                applyOne(changes.get(i), requestId);
            } catch (IOException | RuntimeException e) {
                failedAt = i;
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                // the failing one may be half done (stored, file not written): restore it too
                restore(changes.get(i));
                break;
            }
        }
        List<String> rollbackErrors = new ArrayList<>();
        if (failedAt >= 0) {
            for (int i = failedAt - 1; i >= 0; i--) {
                String error = restore(changes.get(i));
                if (error != null) rollbackErrors.add(changes.get(i).target() + ": " + error);
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            Map<String, Object> shown = c.after() == null ? null : Secrets.masked(c.after(), c.passwordKeys());
            String file = c.file() == null ? null : c.file().toString();
            if (failedAt < 0) {
                results.add(new Result(c.target(), c.after() == null ? "deleted" : c.before() == null ? "created" : "applied", null, shown,
                        file, c.warnings()));
            } else if (i < failedAt) {
                String err = rollbackErrors.stream().filter(s -> s.startsWith(c.target() + ": ")).findFirst().orElse(null);
                results.add(new Result(c.target(), err == null ? "rolled_back" : "rollback_failed",
                        err == null ? "restored because " + changes.get(failedAt).target() + " failed" : err, null, file, List.of()));
            } else if (i == failedAt) {
                results.add(new Result(c.target(), "failed", Secrets.scrub(failure, c.after() == null ? Map.of() : c.after(),
                        c.passwordKeys()), null, file, List.of()));
            } else {
                results.add(new Result(c.target(), "not_applied", "not tried because " + changes.get(failedAt).target() + " failed",
                        null, file, List.of()));
            }
        }
        return results;
    }

    private void applyOne(Change c, String requestId) throws IOException {
        if (c.after() == null) {
            store.delete(c.target());
            if (c.file() != null) Files.deleteIfExists(c.file());
            return;
        }
        Map<String, String> props = new TreeMap<>(c.after());
        if (c.file() != null) props.put(FILENAME_KEY, c.file().toFile().getAbsoluteFile().toURI().toString());
        store.put(c.target(), props);
        if (c.file() != null) {
            String header = "Written by Hearth management" + (requestId == null ? "" : " (request " + requestId + ")") + " at "
                    + Instant.now() + ".\nComments are not kept when it is changed remotely.";
            CfgFile.writeAtomically(c.file(), CfgFile.format(c.after(), header));
        }
    }

    /** Puts the previous state back; the reason it could not, or {@code null}. */
    private String restore(Change c) {
        String error = null;
        try {
            if (c.before() == null) {
                store.delete(c.target());
            } else {
                Map<String, String> props = new TreeMap<>(c.before());
                if (c.file() != null && c.fileBefore() != null) {
                    props.put(FILENAME_KEY, c.file().toFile().getAbsoluteFile().toURI().toString());
                }
                store.put(c.target(), props);
            }
        } catch (IOException | RuntimeException e) {
            error = "configuration not restored: " + e.getMessage();
        }
        try {
            if (c.file() != null) {
                if (c.fileBefore() == null) Files.deleteIfExists(c.file());
                else CfgFile.writeAtomically(c.file(), new String(c.fileBefore(), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException | RuntimeException e) {
            error = (error == null ? "" : error + "; ") + "file not restored: " + e.getMessage();
        }
        return error;
    }
}
