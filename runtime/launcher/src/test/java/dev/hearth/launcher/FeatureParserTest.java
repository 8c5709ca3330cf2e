package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureParserTest {
    static final String GOOD = """
            {
              "feature-resource-version": "1.0",
              "id": "dev.hearth:hearth-feature-core:1.0.0",
              "name": "Core",
              "description": "The core",
              "bundles": [
                { "id": "dev.hearth:hearth-api:1.0.0", "start-order": 11 },
                "org.example:plain:2.0",
                { "id": "org.example:natives:jar:linux:3.1" }
              ],
              "configurations": {
                "dev.hearth.driver.system": { "interval_seconds": 2, "ratio": 0.5, "on": true, "name": "x",
                                              "tags": ["a", "b"], "big": 10000000000 },
                "dev.hearth.driver.kasa~garage": { "host": "10.0.0.2" }
              },
              "extensions": {
                "hearth-requires": { "type": "TEXT", "kind": "mandatory", "text": ["platform"] },
                "other-tool": { "type": "JSON", "kind": "optional", "json": {} }
              }
            }
            """;

    @TempDir
    Path dir;

    private static Feature parse(String json) throws LauncherException {
        return FeatureParser.parse("core", json, null);
    }

    private static String error(String json) {
        return assertThrows(LauncherException.class, () -> parse(json)).getMessage();
    }

    @Test
    void readsAFeature() throws Exception {
        Feature f = parse(GOOD);
        assertEquals("core", f.name());
        assertEquals("dev.hearth:hearth-feature-core:1.0.0", f.id());
        assertEquals("Core", f.title());
        assertEquals(3, f.bundles().size());
        Feature.BundleRef api = f.bundles().get(0);
        assertEquals(11, api.startOrder());
        assertEquals("dev/hearth/hearth-api/1.0.0/hearth-api-1.0.0.jar", api.repositoryPath());
        assertEquals(20, f.bundles().get(1).startOrder());
        assertEquals("org/example/natives/3.1/natives-3.1-linux.jar", f.bundles().get(2).repositoryPath());
        var sys = f.configurations().get("dev.hearth.driver.system");
        assertEquals(2, sys.get("interval_seconds"));
        assertEquals(0.5, sys.get("ratio"));
        assertEquals(true, sys.get("on"));
        assertEquals("x", sys.get("name"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) sys.get("tags"));
        assertEquals(10000000000L, sys.get("big"));
        assertTrue(f.configurations().containsKey("dev.hearth.driver.kasa~garage"));
        assertEquals(List.of("platform"), f.requires());
    }

    @Test
    void readsTheShippedFeatures() throws Exception {
        Path features = Path.of("../../features");
        if (!Files.isDirectory(features)) {
            return;
        }
        for (String name : new Features(features).available()) {
            // Unfiltered (${...}) versions are refused with a hint; filtering happens in the distribution.
            String text = Files.readString(features.resolve(name + ".json")).replaceAll("\\$\\{[^}]+}", "1.0.0");
            Feature f = FeatureParser.parse(name, text, null);
            assertEquals(name, f.name());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 50, 100, 200, 300})
    void truncatedFilesAreRefusedClearly(int cut) {
        String m = error(GOOD.substring(0, Math.min(cut, GOOD.length() - 10)));
        assertTrue(m.contains("truncated JSON") || m.contains("malformed JSON"), m);
    }

    @Test
    void emptyAndNonObjectFilesAreRefused() {
        assertTrue(error("").contains("JSON"), error(""));
        assertTrue(error("[]").contains("one JSON object"));
        assertTrue(error("\"core\"").contains("one JSON object"));
        assertTrue(error("{} {}").contains("text after the object"), error("{} {}"));
        assertTrue(error("{'id': 'a:b:c'}").contains("malformed JSON")); // strict JSON only
    }

    @Test
    void requiredFieldsAndTypesAreChecked() {
        assertTrue(error("{}").contains("'id' is missing"));
        assertTrue(error("{\"id\": 5}").contains("'id' must be a string"));
        assertTrue(error("{\"id\": \"nocolons\"}").contains("not Maven coordinates"));
        assertTrue(error("{\"id\": \"a:b:c\", \"feature-resource-version\": \"2.0\"}").contains("not supported"));
        assertTrue(error("{\"id\": \"a:b:c\", \"bundles\": {}}").contains("'bundles' must be an array"));
        assertTrue(error("{\"id\": \"a:b:c\", \"bundles\": [5]}").contains("bundles[0]"));
        assertTrue(error("{\"id\": \"a:b:c\", \"bundles\": [{\"id\": \"a:b:c\", \"start-order\": \"1\"}]}")
                .contains("start-order: must be an integer"));
        assertTrue(error("{\"id\": \"a:b:c\", \"bundles\": [{\"id\": \"a:b:c\", \"start-order\": 0}]}")
                .contains("not in 1..99"));
        assertTrue(error("{\"id\": \"a:b:c\", \"bundles\": [{\"id\": \"a:b:c\", \"start-order\": 1.5}]}")
                .contains("must be an integer"));
        assertTrue(error("{\"id\": \"a:b:c\", \"bundles\": [\"a:b:1\", \"a:b:2\"]}").contains("listed twice"));
        assertTrue(error("{\"id\": \"a:b:c\", \"surprise\": 1}").contains("unknown top-level key 'surprise'"));
    }

    @Test
    void hostileCoordinatesCannotEscapeTheRepository() {
        for (String bad : new String[] {"..:b:1", "a:../../etc:1", "a:b:1/../../x", "a/b:c:1", "a:b:..",
                "a:b:jar:..:1", "a:b:", ":b:1", "a:b:c:d:e:f", "a:b:1\u0000"}) {
            String m = error("{\"id\": \"a:b:c\", \"bundles\": [\"" + bad.replace("\u0000", "\\u0000") + "\"]}");
            assertTrue(m.contains("bundles[0]"), bad + " -> " + m);
        }
        String m = error("{\"id\": \"a:b:c\", \"bundles\": [\"g:a:${project.version}\"]}");
        assertTrue(m.contains("unfiltered ${...} placeholder"), m);
    }

    @Test
    void hostileConfigurationsAreRefused() {
        assertTrue(error("{\"id\": \"a:b:c\", \"configurations\": []}").contains("'configurations' must be an object"));
        assertTrue(error("{\"id\": \"a:b:c\", \"configurations\": {\"(evil)\": {}}}").contains("not a valid PID"));
        assertTrue(error("{\"id\": \"a:b:c\", \"configurations\": {\"p\": 1}}").contains("must be an object"));
        assertTrue(error("{\"id\": \"a:b:c\", \"configurations\": {\"p\": {\"k\": {\"x\": 1}}}}")
                .contains("string, number, boolean or array"));
        assertTrue(error("{\"id\": \"a:b:c\", \"configurations\": {\"p\": {\"k\": [1, \"a\"]}}}")
                .contains("same type"));
        assertTrue(error("{\"id\": \"a:b:c\", \"configurations\": {\"p\": {\"k\": [[1]]}}}")
                .contains("arrays may hold only"));
    }

    @Test
    void deepNestingIsRefusedWithoutCrashing() {
        String deep = "{\"id\": \"a:b:c\", \"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String m = error(deep);
        assertTrue(m.contains("JSON"), m);
    }

    @Test
    void extensionsAreChecked() {
        assertTrue(error("{\"id\": \"a:b:c\", \"extensions\": {\"hearth-requires\": {\"text\": \"core\"}}}")
                .contains("array of feature names"));
        assertTrue(error("{\"id\": \"a:b:c\", \"extensions\": {\"hearth-requires\": {\"text\": [\"../x\"]}}}")
                .contains("not a feature name"));
        assertTrue(error("{\"id\": \"a:b:c\", \"extensions\": {\"hearth-requires\": {\"text\": [\"core\"]}}}")
                .contains("cannot require itself"));
        assertTrue(error("{\"id\": \"a:b:c\", \"extensions\": {\"x\": {\"kind\": \"mandatory\"}}}")
                .contains("mandatory extension not understood"));
    }

    @Test
    void controlCharactersDoNotReachTheLog() {
        String m = error("{\"id\": \"a:b:c\", \"evil\\u001b[31m\": 1}");
        assertTrue(!m.contains("\u001b"), m);
    }

    @Test
    void filesAreCheckedForNameSizeAndEncoding() throws Exception {
        Path bad = dir.resolve("Bad Name.json");
        Files.writeString(bad, GOOD);
        assertTrue(assertThrows(LauncherException.class, () -> FeatureParser.parse(bad)).getMessage()
                .contains("not a feature name"));
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[(int) FeatureParser.MAX_SIZE + 1]);
        assertTrue(assertThrows(LauncherException.class, () -> FeatureParser.parse(big)).getMessage()
                .contains("larger than"));
        Path latin = dir.resolve("latin.json");
        Files.write(latin, new byte[] {'{', '"', (byte) 0xe9, '"', '}'});
        assertTrue(assertThrows(LauncherException.class, () -> FeatureParser.parse(latin)).getMessage()
                .contains("UTF-8"));
        Path ok = dir.resolve("core.json");
        Files.writeString(ok, GOOD);
        assertEquals("core", FeatureParser.parse(ok).name());
    }

    @Test
    void selectionExpandsRequirementsAndRefusesUnknownAndCycles() throws Exception {
        Files.writeString(dir.resolve("platform.json"), "{\"id\": \"g:platform:1\", \"bundles\": [\"g:p:1\"]}");
        Files.writeString(dir.resolve("core.json"), GOOD);
        Files.writeString(dir.resolve("a.json"), "{\"id\": \"g:a:1\", \"extensions\": {\"hearth-requires\":"
                + " {\"text\": [\"b\"]}}}");
        Files.writeString(dir.resolve("b.json"), "{\"id\": \"g:b:1\", \"extensions\": {\"hearth-requires\":"
                + " {\"text\": [\"a\"]}}}");
        Features features = new Features(dir);
        List<Feature> sel = features.select(List.of("core"), "cfg: key hearth.features");
        assertEquals(List.of("platform", "core"), sel.stream().map(Feature::name).toList());
        String m = assertThrows(LauncherException.class,
                () -> features.select(List.of("nope"), "cfg: key hearth.features")).getMessage();
        assertTrue(m.startsWith("cfg: key hearth.features: unknown feature 'nope'"), m);
        m = assertThrows(LauncherException.class, () -> features.select(List.of("a"), "cfg")).getMessage();
        assertTrue(m.contains("cycle"), m);
    }

    @Test
    void conflictingVersionsAcrossFeaturesAreRefused() throws Exception {
        Feature a = FeatureParser.parse("a", "{\"id\": \"g:a:1\", \"bundles\": [\"g:x:1\"]}", null);
        Feature b = FeatureParser.parse("b", "{\"id\": \"g:b:1\", \"bundles\": [\"g:x:2\"]}", null);
        String m = assertThrows(LauncherException.class, () -> Reconciler.wanted(List.of(a, b), dir)).getMessage();
        assertTrue(m.contains("conflicts"), m);
        assertEquals(1, Reconciler.wanted(List.of(a, a), dir).size());
    }
}
