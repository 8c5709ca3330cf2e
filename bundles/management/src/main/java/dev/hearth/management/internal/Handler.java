package dev.hearth.management.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;
import dev.hearth.api.command.DeviceCommands;

/**
 * Runs one request and builds its response; called by the single worker, one request at a time.
 * Configuration reads go through {@link Catalog}, changes through {@link ConfigEditor} (all or
 * nothing), device commands through the registered {@link DeviceCommands} services. Events for
 * every change go to {@code events} ({@code config}, {@code command}).
 */
final class Handler {

    static final int MAX_EDITS = 32;
    static final int MAX_PROPERTIES = 256;

    /** Configuration reads: what is configured and what Metatype describes. */
    interface Catalog {
        /** Every configuration as [target, stored], optionally only those of {@code pid} (a PID or factory PID). */
        List<Map.Entry<Target, ConfigStore.Stored>> configurations(String pid) throws Exception;

        ConfigStore.Stored get(Target t) throws Exception;

        MetatypeCheck metatype(Target t);

        /** PIDs and factory PIDs that some bundle's Metatype describes. */
        Map<String, List<String>> describedPids();
    }

    private final Catalog catalog;
    private final ConfigEditor editor;
    private final Supplier<List<DeviceCommands>> commands;
    private final BiConsumer<String, JsonObject> events;
    private final Supplier<JsonObject> status;
    private final long commandTimeoutSeconds;
    /** OTA of bundles ({@code bundle/...}), or null where there is none (unit tests). */
    private final Ota ota;

    Handler(Catalog catalog, ConfigEditor editor, Supplier<List<DeviceCommands>> commands, BiConsumer<String, JsonObject> events,
            Supplier<JsonObject> status, long commandTimeoutSeconds) {
        this(catalog, editor, commands, events, status, commandTimeoutSeconds, null);
    }

    Handler(Catalog catalog, ConfigEditor editor, Supplier<List<DeviceCommands>> commands, BiConsumer<String, JsonObject> events,
            Supplier<JsonObject> status, long commandTimeoutSeconds, Ota ota) {
        this.ota = ota;
        this.catalog = catalog;
        this.editor = editor;
        this.commands = commands;
        this.events = events;
        this.status = status;
        this.commandTimeoutSeconds = commandTimeoutSeconds;
    }

    /** The response body (without envelope); {@code ok} says whether it did what was asked. */
    JsonObject handle(Request r) {
        try {
            return switch (r.op()) {
                case "status" -> ok(status.get());
                case "config/list" -> list(r.body());
                case "config/get" -> get(r.body());
                case "config/set", "config/delete" -> edit(r);
                case "command/list" -> commandList(r.body());
                case "command/run" -> commandRun(r);
                case "bundle/list", "bundle/install", "bundle/update", "bundle/uninstall", "bundle/start", "bundle/stop",
                        "feature/install", "feature/uninstall", "feature/list" ->
                    ota != null ? ota.handle(r) : error("OTA is not available here");
                default -> error("unknown operation '" + r.op() + "'");
            };
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        } catch (Exception e) {
            return error("failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private JsonObject list(JsonObject body) throws Exception {
        Json.only(body, Set.of("pid"), "config/list");
        String pid = Json.optString(body, "pid", 200);
        if (pid != null) Target.singleton(pid); // checks the name
        JsonArray configs = new JsonArray();
        for (Map.Entry<Target, ConfigStore.Stored> e : catalog.configurations(pid)) {
            JsonObject c = targetJson(e.getKey());
            if (e.getValue().fileUri() != null) c.addProperty("file", e.getValue().fileUri());
            configs.add(c);
        }
        JsonObject out = ok(new JsonObject());
        out.add("configurations", configs);
        Map<String, List<String>> described = catalog.describedPids();
        out.add("pids", strings(described.getOrDefault("pids", List.of())));
        out.add("factory_pids", strings(described.getOrDefault("factory_pids", List.of())));
        return out;
    }

    private JsonObject get(JsonObject body) throws Exception {
        Json.only(body, Set.of("pid", "factory_pid", "name"), "config/get");
        JsonArray results = new JsonArray();
        String factory = Json.optString(body, "factory_pid", 200);
        String name = Json.optString(body, "name", 100);
        if (factory != null && name == null) {
            // a factory PID without a name: every instance
            Target.instance(factory, "x");
            for (Map.Entry<Target, ConfigStore.Stored> e : catalog.configurations(factory)) {
                if (factory.equals(e.getKey().factoryPid())) results.add(shown(e.getKey(), e.getValue()));
            }
        } else {
            Target t = target(body);
            ConfigStore.Stored s = catalog.get(t);
            if (s == null) {
                catalog.metatype(t); // says "unknown PID" when nothing describes it
                throw new IllegalArgumentException(t + " has no configuration (its defaults apply)");
            }
            results.add(shown(t, s));
        }
        JsonObject out = ok(new JsonObject());
        out.add("results", results);
        return out;
    }

    private JsonObject shown(Target t, ConfigStore.Stored s) {
        JsonObject c = targetJson(t);
        Set<String> pw;
        try {
            pw = catalog.metatype(t).passwordKeys();
        } catch (IllegalArgumentException e) {
            pw = Set.of();
        }
        c.add("properties", toJson(Secrets.masked(s.properties(), pw)));
        if (s.fileUri() != null) c.addProperty("file", s.fileUri());
        return c;
    }

    private JsonObject edit(Request r) {
        List<ConfigEditor.Edit> edits = edits(r.op(), r.body());
        ConfigEditor.Plan plan = editor.plan(edits);
        JsonArray results = new JsonArray();
        if (plan.refused()) {
            for (Map.Entry<Target, List<String>> e : plan.problems().entrySet()) {
                JsonObject o = targetJson(e.getKey());
                o.addProperty("status", e.getValue().isEmpty() ? "not_applied" : "refused");
                if (!e.getValue().isEmpty()) o.add("errors", strings(e.getValue()));
                results.add(o);
            }
            JsonObject out = error("refused, nothing was changed: " + plan.problems().entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty()).map(e -> e.getKey() + ": " + String.join("; ", e.getValue()))
                    .reduce((a, b) -> a + " | " + b).orElse(""));
            out.add("results", results);
            return out;
        }
        List<ConfigEditor.Result> applied = editor.apply(plan, r.id());
        boolean allOk = applied.stream().allMatch(a -> Set.of("applied", "created", "deleted").contains(a.status()));
        for (ConfigEditor.Result a : applied) {
            JsonObject o = targetJson(a.target());
            o.addProperty("status", a.status());
            if (a.error() != null) o.addProperty("error", a.error());
            if (a.properties() != null) o.add("properties", toJson(a.properties()));
            if (a.file() != null) o.addProperty("file", a.file());
            if (!a.warnings().isEmpty()) o.add("warnings", strings(a.warnings()));
            results.add(o);
            if (allOk) {
                JsonObject event = targetJson(a.target());
                event.addProperty("action", switch (a.status()) {
                    case "deleted" -> "deleted";
                    case "created" -> "created";
                    default -> "updated";
                });
                if (r.id() != null) event.addProperty("request", r.id());
                if (a.properties() != null) event.add("properties", toJson(a.properties()));
                if (a.file() != null) event.addProperty("file", a.file());
                events.accept("config", event);
            }
        }
        JsonObject out = allOk ? ok(new JsonObject()) : error("failed, everything was restored: " + applied.stream()
                .filter(a -> a.status().equals("failed")).map(a -> a.target() + ": " + a.error()).findFirst().orElse(""));
        out.add("results", results);
        return out;
    }

    /** The edits a set or delete request names: one (pid / factory_pid + name at the top) or a list ({@code changes}). */
    static List<ConfigEditor.Edit> edits(String op, JsonObject body) {
        boolean delete = op.equals("config/delete");
        String listField = delete ? "targets" : "changes";
        JsonArray list = Json.optArray(body, listField, MAX_EDITS);
        List<JsonObject> parts = new ArrayList<>();
        if (list != null) {
            Json.only(body, Set.of(listField), op);
            if (list.isEmpty()) throw new IllegalArgumentException("'" + listField + "' is empty");
            for (JsonElement e : list) {
                if (!e.isJsonObject()) throw new IllegalArgumentException("each of '" + listField + "' must be an object");
                parts.add(e.getAsJsonObject());
            }
        } else {
            parts.add(body);
        }
        List<ConfigEditor.Edit> out = new ArrayList<>();
        for (JsonObject p : parts) {
            if (delete) {
                Json.only(p, Set.of("pid", "factory_pid", "name"), op);
                out.add(new ConfigEditor.Edit(target(p), Map.of(), false, true));
                continue;
            }
            Json.only(p, Set.of("pid", "factory_pid", "name", "properties", "replace"), op);
            Target t = target(p);
            JsonObject props = Json.optObject(p, "properties");
            if (props == null) throw new IllegalArgumentException(t + ": 'properties' is missing");
            if (props.size() > MAX_PROPERTIES) throw new IllegalArgumentException(t + ": more than " + MAX_PROPERTIES + " properties");
            Map<String, JsonElement> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : props.entrySet()) {
                if (e.getKey().isEmpty() || e.getKey().length() > 200) throw new IllegalArgumentException(t + ": a property name is empty or too long");
                values.put(e.getKey(), e.getValue() == null ? JsonNull.INSTANCE : e.getValue());
            }
            out.add(new ConfigEditor.Edit(t, values, Json.optBoolean(p, "replace"), false));
        }
        return out;
    }

    /** {@code pid}, or {@code factory_pid} with {@code name}. */
    static Target target(JsonObject p) {
        String pid = Json.optString(p, "pid", 200);
        String factory = Json.optString(p, "factory_pid", 200);
        String name = Json.optString(p, "name", 100);
        if (pid != null && factory != null) throw new IllegalArgumentException("give 'pid' or 'factory_pid', not both");
        if (factory != null) return Target.instance(factory, name);
        if (pid == null) throw new IllegalArgumentException("'pid' (or 'factory_pid' and 'name') is missing");
        if (name != null) throw new IllegalArgumentException("'name' goes with 'factory_pid', not 'pid'");
        return Target.singleton(pid);
    }

    private JsonObject commandList(JsonObject body) {
        Json.only(body, Set.of("device"), "command/list");
        String only = Json.optString(body, "device", 200);
        JsonArray devices = new JsonArray();
        Map<String, List<CommandSpec>> byDevice = new java.util.TreeMap<>();
        for (DeviceCommands s : commands.get()) {
            for (String d : s.devices()) if (only == null || only.equals(d)) byDevice.putIfAbsent(d, s.commands(d));
        }
        byDevice.forEach((device, specs) -> {
            JsonObject d = new JsonObject();
            d.addProperty("device", device);
            JsonArray cs = new JsonArray();
            for (CommandSpec c : specs) {
                JsonObject co = new JsonObject();
                co.addProperty("name", c.name());
                co.addProperty("description", c.description());
                JsonArray args = new JsonArray();
                for (ArgumentSpec a : c.arguments()) {
                    JsonObject ao = new JsonObject();
                    ao.addProperty("name", a.name());
                    ao.addProperty("type", a.type().name().toLowerCase(java.util.Locale.ROOT));
                    ao.addProperty("required", a.required());
                    if (!a.description().isEmpty()) ao.addProperty("description", a.description());
                    if (a.min() != null) ao.addProperty("min", a.min());
                    if (a.max() != null) ao.addProperty("max", a.max());
                    if (!a.options().isEmpty()) ao.add("options", strings(a.options()));
                    args.add(ao);
                }
                co.add("arguments", args);
                cs.add(co);
            }
            d.add("commands", cs);
            devices.add(d);
        });
        JsonObject out = ok(new JsonObject());
        out.add("devices", devices);
        return out;
    }

    private JsonObject commandRun(Request r) throws InterruptedException {
        JsonObject body = r.body();
        Json.only(body, Set.of("device", "command", "args"), "command/run");
        String device = Json.string(body, "device", 200);
        String command = Json.string(body, "command", 100);
        JsonObject argsJson = Json.optObject(body, "args");
        Map<String, String> args = new LinkedHashMap<>();
        if (argsJson != null) {
            if (argsJson.size() > 32) throw new IllegalArgumentException("more than 32 arguments");
            for (Map.Entry<String, JsonElement> e : argsJson.entrySet()) {
                JsonElement v = e.getValue();
                if (v == null || v.isJsonNull()) continue;
                if (!v.isJsonPrimitive()) throw new IllegalArgumentException("argument '" + e.getKey() + "' must be a string, number or boolean");
                args.put(e.getKey(), v.getAsString());
            }
        }
        List<DeviceCommands> services = commands.get();
        DeviceCommands target = services.stream().filter(s -> s.devices().contains(device)).findFirst().orElse(null);
        if (target == null) {
            throw new IllegalArgumentException("no device '" + device + "' takes commands" + (services.isEmpty() ? " (no driver offers commands)" : ""));
        }
        List<CommandSpec> specs = target.commands(device);
        CommandSpec spec = specs.stream().filter(c -> c.name().equals(command)).findFirst().orElse(null);
        if (spec == null) {
            throw new IllegalArgumentException("device '" + device + "' has no command '" + command + "'; it takes "
                    + specs.stream().map(CommandSpec::name).sorted(Comparator.naturalOrder()).toList());
        }
        Map<String, String> valid = spec.validate(args); // IllegalArgumentException: the reason
        JsonObject event = new JsonObject();
        event.addProperty("device", device);
        event.addProperty("command", command);
        event.add("args", toJson(Secrets.masked(valid, Set.of())));
        if (r.id() != null) event.addProperty("request", r.id());
        JsonObject out;
        try {
            String result = target.execute(device, command, valid).toCompletableFuture().get(commandTimeoutSeconds, TimeUnit.SECONDS);
            out = ok(new JsonObject());
            out.addProperty("result", result);
            event.addProperty("ok", true);
            event.addProperty("result", result);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            out = error(device + ": " + command + " failed: " + why);
            event.addProperty("ok", false);
            event.addProperty("error", why);
        } catch (TimeoutException e) {
            out = error(device + ": no answer within " + commandTimeoutSeconds + " s (the command may still complete)");
            event.addProperty("ok", false);
            event.addProperty("error", "timeout");
        } catch (RuntimeException e) {
            out = error(device + ": " + command + " failed: " + e);
            event.addProperty("ok", false);
            event.addProperty("error", e.toString());
        }
        out.addProperty("device", device);
        out.addProperty("command", command);
        out.add("args", toJson(Secrets.masked(valid, Set.of())));
        events.accept("command", event);
        return out;
    }

    static JsonObject targetJson(Target t) {
        JsonObject o = new JsonObject();
        o.addProperty("pid", t.pid());
        if (t.isFactory()) {
            o.addProperty("factory_pid", t.factoryPid());
            o.addProperty("name", t.name());
        }
        return o;
    }

    static JsonObject ok(JsonObject o) {
        JsonObject out = new JsonObject();
        out.addProperty("ok", true);
        o.entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        return out;
    }

    static JsonObject error(String message) {
        JsonObject out = new JsonObject();
        out.addProperty("ok", false);
        out.addProperty("error", message);
        return out;
    }

    static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    static JsonObject toJson(Map<String, ?> values) {
        JsonObject o = new JsonObject();
        values.forEach((k, v) -> o.add(k, v == null ? JsonNull.INSTANCE : new JsonPrimitive(String.valueOf(v))));
        return o;
    }
}
