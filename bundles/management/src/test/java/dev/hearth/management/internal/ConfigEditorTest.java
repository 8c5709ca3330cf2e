package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

/** All or nothing, on an in-memory store that can be told to fail, and real files. */
class ConfigEditorTest {

    @TempDir
    Path dir;

    private final Map<String, Map<String, String>> configs = new HashMap<>();
    /** PIDs whose put fails, to break a request half-way. */
    private final Set<String> failing = new java.util.HashSet<>();
    private ConfigEditor editor;

    private final ConfigStore store = new ConfigStore() {
        @Override
        public Stored get(Target t) {
            Map<String, String> p = configs.get(t.pid());
            if (p == null) return null;
            Map<String, String> props = new TreeMap<>(p);
            String file = props.remove(ConfigEditor.FILENAME_KEY);
            return new Stored(props, file, Set.of());
        }

        @Override
        public void put(Target t, Map<String, String> properties) throws IOException {
            if (failing.contains(t.pid())) throw new IOException("store refused " + t.pid());
            configs.put(t.pid(), new TreeMap<>(properties));
        }

        @Override
        public void delete(Target t) {
            configs.remove(t.pid());
        }
    };

    @BeforeEach
    void setUp() {
        MetatypeCheck system = new TestMetatype("dev.hearth.driver.system")
                .add("interval_seconds", "Integer", true, "10", "1", "3600")
                .add("device", "String", true, "host", null, null).check();
        MetatypeCheck sink = new TestMetatype("dev.hearth.sink.mqtt")
                .add("hearth.sink.id", "String", true, null, null, null)
                .add("port", "Integer", true, "1883", "1", "65535")
                .add("password", "Password", false, "", null, null).check();
        editor = new ConfigEditor(store, t -> switch (t.metatypePid()) {
            case "dev.hearth.driver.system" -> {
                if (t.isFactory()) throw new IllegalArgumentException("not a factory PID");
                yield system;
            }
            case "dev.hearth.sink.mqtt" -> {
                if (!t.isFactory()) throw new IllegalArgumentException("is a factory PID");
                yield sink;
            }
            default -> throw new IllegalArgumentException("no component describes PID '" + t.metatypePid() + "'");
        }, dir);
    }

    private static ConfigEditor.Edit set(Target t, String json) {
        Map<String, JsonElement> values = new LinkedHashMap<>();
        JsonParser.parseString(json).getAsJsonObject().entrySet().forEach(e -> values.put(e.getKey(), e.getValue()));
        return new ConfigEditor.Edit(t, values, false, false);
    }

    private static final Target SYSTEM = Target.singleton("dev.hearth.driver.system");
    private static final Target HOME = Target.instance("dev.hearth.sink.mqtt", "home");

    @Test
    void aValidChangeIsStoredAndWrittenToItsFile() throws Exception {
        ConfigEditor.Plan plan = editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 5}")));
        assertFalse(plan.refused(), plan.problems().toString());
        List<ConfigEditor.Result> r = editor.apply(plan, "r1");
        assertEquals("created", r.get(0).status());
        Path file = dir.resolve("dev.hearth.driver.system.cfg");
        assertEquals("5", configs.get(SYSTEM.pid()).get("interval_seconds"));
        assertEquals(file.toFile().getAbsoluteFile().toURI().toString(), configs.get(SYSTEM.pid()).get(ConfigEditor.FILENAME_KEY),
                "FileInstall finds the configuration by its file");
        assertEquals(Map.of("interval_seconds", "5"), CfgFile.parse(Files.readString(file)));
        assertEquals("applied", editor.apply(editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 6}"))), "r1b").get(0).status(),
                "a change to an existing one");
    }

    @Test
    void aFactoryInstanceGetsFileInstallsFileName() throws Exception {
        editor.apply(editor.plan(List.of(set(HOME, "{\"hearth.sink.id\": \"mqtt-home\", \"port\": 8883}"))), null);
        assertEquals(Map.of("hearth.sink.id", "mqtt-home", "port", "8883"),
                CfgFile.parse(Files.readString(dir.resolve("dev.hearth.sink.mqtt-home.cfg"))));
        assertTrue(configs.containsKey("dev.hearth.sink.mqtt~home"));
    }

    @Test
    void oneBadPartRefusesTheWholeRequestAndChangesNothing() throws Exception {
        ConfigEditor.Plan plan = editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 5}"),
                set(HOME, "{\"hearth.sink.id\": \"x\", \"port\": 70000}")));
        assertTrue(plan.refused());
        assertEquals(List.of(), plan.problems().get(SYSTEM));
        assertTrue(plan.problems().get(HOME).get(0).contains("greater than maximum"), plan.problems().toString());
        assertTrue(configs.isEmpty());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void unknownPidsFactoryWithoutNameAndDuplicatesAreRefused() {
        ConfigEditor.Plan plan = editor.plan(List.of(set(Target.singleton("dev.hearth.nothing"), "{\"a\":1}"),
                set(Target.singleton("dev.hearth.sink.mqtt"), "{\"port\":1}"), set(SYSTEM, "{}"), set(SYSTEM, "{}")));
        assertTrue(plan.problems().get(Target.singleton("dev.hearth.nothing")).get(0).contains("no component describes"));
        assertTrue(plan.problems().get(Target.singleton("dev.hearth.sink.mqtt")).get(0).contains("is a factory PID"));
        assertEquals(List.of("named twice in one request"), plan.problems().get(SYSTEM), "the first one's problems are kept too");
    }

    @Test
    void aFailureHalfWayRestoresWhatWasAppliedBefore() throws Exception {
        // before: system configured with a file of its own (with a comment), the sink instance absent
        Path systemFile = dir.resolve("dev.hearth.driver.system.cfg");
        String original = "# hand-written\ninterval_seconds = 30\n";
        Files.writeString(systemFile, original);
        configs.put(SYSTEM.pid(), new TreeMap<>(Map.of("interval_seconds", "30",
                ConfigEditor.FILENAME_KEY, systemFile.toFile().toURI().toString())));
        Target other = Target.instance("dev.hearth.sink.mqtt", "other");
        failing.add(other.pid());

        ConfigEditor.Plan plan = editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 5}"),
                set(HOME, "{\"hearth.sink.id\": \"h\"}"), set(other, "{\"hearth.sink.id\": \"o\"}")));
        assertFalse(plan.refused());
        List<ConfigEditor.Result> r = editor.apply(plan, "r2");
        assertEquals(List.of("rolled_back", "rolled_back", "failed"), r.stream().map(ConfigEditor.Result::status).toList());
        assertTrue(r.get(2).error().contains("store refused"));
        assertEquals("30", configs.get(SYSTEM.pid()).get("interval_seconds"), "previous properties back");
        assertNull(configs.get(HOME.pid()), "the created one deleted again");
        assertEquals(original, Files.readString(systemFile), "the file as it was, comment included");
        assertFalse(Files.exists(dir.resolve("dev.hearth.sink.mqtt-home.cfg")));
        assertFalse(Files.exists(dir.resolve("dev.hearth.sink.mqtt-other.cfg")));
    }

    @Test
    void theMaskedValueKeepsASecretAndResultsAreMasked() throws Exception {
        editor.apply(editor.plan(List.of(set(HOME, "{\"hearth.sink.id\": \"h\", \"password\": \"hunter2\"}"))), null);
        List<ConfigEditor.Result> r = editor.apply(editor.plan(List.of(set(HOME, "{\"port\": 1884, \"password\": \"****\"}"))), null);
        assertEquals("hunter2", configs.get(HOME.pid()).get("password"), "kept");
        assertEquals("1884", configs.get(HOME.pid()).get("port"));
        assertEquals("****", r.get(0).properties().get("password"));
        // a mask with nothing to keep is an error, not the literal password "****"
        ConfigEditor.Plan bad = editor.plan(List.of(set(Target.instance("dev.hearth.sink.mqtt", "new"),
                "{\"hearth.sink.id\": \"n\", \"password\": \"****\"}")));
        assertTrue(bad.refused());
    }

    @Test
    void nullRemovesAKeyAndReplaceDropsTheRest() throws Exception {
        editor.apply(editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 5, \"device\": \"pi\"}"))), null);
        editor.apply(editor.plan(List.of(set(SYSTEM, "{\"device\": null}"))), null);
        assertEquals(Map.of("interval_seconds", "5"), store.get(SYSTEM).properties());
        Map<String, JsonElement> v = Map.of("device", JsonParser.parseString("\"x\""));
        editor.apply(editor.plan(List.of(new ConfigEditor.Edit(SYSTEM, v, true, false))), null);
        assertEquals(Map.of("device", "x"), store.get(SYSTEM).properties());
    }

    @Test
    void deleteRemovesConfigurationAndFile_andRefusesWhatIsNotThere() throws Exception {
        editor.apply(editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 5}"))), null);
        List<ConfigEditor.Result> r = editor.apply(editor.plan(List.of(new ConfigEditor.Edit(SYSTEM, Map.of(), false, true))), null);
        assertEquals("deleted", r.get(0).status());
        assertNull(configs.get(SYSTEM.pid()));
        assertFalse(Files.exists(dir.resolve("dev.hearth.driver.system.cfg")));
        assertTrue(editor.plan(List.of(new ConfigEditor.Edit(SYSTEM, Map.of(), false, true))).refused());
    }

    @Test
    void valuesAFileCannotHoldAreRefusedBeforeAnythingIsApplied() throws Exception {
        ConfigEditor.Plan plan = editor.plan(List.of(set(SYSTEM, "{\"device\": \"${hearth.home}\"}")));
        assertTrue(plan.refused());
        assertTrue(plan.problems().get(SYSTEM).toString().contains("substitute"));
        plan = editor.plan(List.of(set(SYSTEM, "{\"device\": \"a\\nb\"}")));
        assertTrue(plan.problems().get(SYSTEM).toString().contains("control character"));
        assertTrue(configs.isEmpty());
    }

    @Test
    void managementsOwnConfigurationIsNotChangedRemotely() {
        ConfigEditor.Plan plan = editor.plan(List.of(set(Target.singleton("dev.hearth.management"), "{\"port\": 1}")));
        assertTrue(plan.problems().toString().contains("not changed over MQTT"));
        plan = editor.plan(List.of(new ConfigEditor.Edit(Target.singleton("dev.hearth.management"), Map.of(), false, true)));
        assertTrue(plan.problems().toString().contains("not changed over MQTT"));
    }

    @Test
    void aConfigurationFromAnotherKindOfFileIsLeftAlone() throws Exception {
        configs.put(SYSTEM.pid(), new TreeMap<>(Map.of("interval_seconds", "30",
                ConfigEditor.FILENAME_KEY, dir.resolve("dev.hearth.driver.system.config").toUri().toString())));
        ConfigEditor.Plan plan = editor.plan(List.of(set(SYSTEM, "{\"interval_seconds\": 5}")));
        assertTrue(plan.problems().get(SYSTEM).get(0).contains("not a .cfg file"));
        assertArrayEquals(new String[] { "30" }, new String[] { configs.get(SYSTEM.pid()).get("interval_seconds") });
    }
}
