package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.management.internal.OtaState.Decision;

class OtaStateTest {

    @TempDir
    Path dir;

    private static OtaState update(String step) {
        return OtaState.single("update", "dev.hearth.driver.kasa", step, "1.0.0", "1.1.0", "dev.hearth.driver.kasa.previous.jar", "r1",
                30, List.of("fridge"), Instant.parse("2026-11-28T10:00:00Z"));
    }

    @Test
    void roundTripThroughAnAtomicWrite() throws Exception {
        assertNull(OtaState.read(dir), "no file: nothing in flight");
        OtaState s = update("checking");
        s.write(dir);
        assertEquals(s, OtaState.read(dir));
        s.at("rolling_back").write(dir);
        assertEquals("rolling_back", OtaState.read(dir).step());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(OtaState.FILE), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
        OtaState.clear(dir);
        assertNull(OtaState.read(dir));
    }

    @Test
    void recoveryDecisions() {
        assertEquals(Decision.DISCARD, update("staged").decide("1.0.0"), "nothing was changed yet");
        assertEquals(Decision.CHECK, update("updating").decide("1.1.0"), "the new version is in: keep it if healthy");
        assertEquals(Decision.CHECK, update("checking").decide("1.1.0"));
        assertEquals(Decision.ROLL_BACK, update("updating").decide("1.0.0"), "still the old version: put the saved jar back");
        assertEquals(Decision.ROLL_BACK, update("checking").decide("0.9.0"));
        assertEquals(Decision.ROLL_BACK, update("rolling_back").decide("1.1.0"), "an interrupted rollback is done again");
        assertEquals(Decision.ROLL_BACK, update("rolling_back").decide("1.0.0"));
        assertEquals(Decision.DISCARD, update("checking").decide(null), "uninstalled meanwhile");
        OtaState sameVersion = OtaState.single("update", "a.b", "checking", "1.0.0", "1.0.0", "a.b.previous.jar", "", 5, List.of(),
                Instant.now());
        assertEquals(Decision.ROLL_BACK, sameVersion.decide("1.0.0"), "versions cannot tell old from new: the saved jar wins");
        OtaState install = OtaState.single("install", "a.b", "checking", "", "1.0.0", "", "", 5, List.of(), Instant.now());
        assertEquals(Decision.CHECK, install.decide("1.0.0"));
        assertEquals(Decision.DISCARD, install.decide(null), "never got installed");
        assertEquals(Decision.UNINSTALL, install.at("rolling_back").decide("1.0.0"));
        assertEquals(Decision.DISCARD, install.at("staged").decide(null));
    }

    private String unusable(String text) throws Exception {
        Files.writeString(dir.resolve(OtaState.FILE), text, StandardCharsets.UTF_8);
        return assertThrows(IllegalArgumentException.class, () -> OtaState.read(dir)).getMessage();
    }

    @Test
    void hostileStateFilesAreRefusedNotObeyed() throws Exception {
        String good = update("checking").toJson();
        assertFalse(unusable("").isEmpty());
        assertFalse(unusable(good.substring(0, good.length() / 2)).isEmpty(), "truncated");
        assertFalse(unusable("[1,2]").isEmpty());
        assertFalse(unusable(good + good).isEmpty(), "two values");
        assertFalse(unusable("{'op':'update'}").isEmpty(), "lenient JSON");
        assertTrue(unusable(good.replace("dev.hearth.driver.kasa.previous.jar", "../../../etc/passwd")).contains("previous_jar"),
                "a path, not a file name in the OTA folder");
        assertTrue(unusable(good.replace("dev.hearth.driver.kasa.previous.jar", "/tmp/evil.jar")).contains("previous_jar"));
        assertTrue(unusable(good.replace("dev.hearth.driver.kasa.previous.jar", ".hidden.jar")).contains("previous_jar"));
        assertTrue(unusable(good.replace("\"checking\"", "\"format_disk\"")).contains("step"));
        assertTrue(unusable(good.replace("\"update\"", "\"uninstall\"")).contains("op"));
        assertTrue(unusable(good.replace("\"dev.hearth.driver.kasa\"", "\"(a=*)\"")).contains("symbolic name"));
        assertTrue(unusable(good.replace("\"1.1.0\"", "\"1.1.0; rm -rf\"")).contains("to_version"));
        assertTrue(unusable(good.replace("30", "-1")).contains("grace_s"));
        assertTrue(unusable(good.replace("30", "1e12")).contains("grace_s"));
        assertTrue(unusable(good.replace("\"fridge\"", "\"a/b\"")).contains("device"));
        assertTrue(unusable(good.replace("2026-11-28T10:00:00Z", "yesterday")).contains("started"));
        assertTrue(unusable(good.replace("{", "{\"extra\":1,")).contains("unknown field"));
        assertTrue(unusable("{\"op\":{\"a\":{\"b\":{\"c\":{\"d\":1}}}}}").contains("not a state file"), "nesting");
        Files.write(dir.resolve(OtaState.FILE), new byte[] { '{', (byte) 0xC3, '}' });
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OtaState.read(dir)).getMessage().contains("UTF-8"));
        Files.writeString(dir.resolve(OtaState.FILE), " ".repeat((int) OtaState.MAX_FILE_BYTES) + good);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OtaState.read(dir)).getMessage().contains("larger"));
    }

    @Test
    void constructorRefusesInconsistentStates() {
        assertThrows(IllegalArgumentException.class, () -> OtaState.single("install", "a.b", "checking", "", "1.0.0", "a.b.previous.jar", "",
                5, List.of(), Instant.now()), "an install has no previous jar");
        assertThrows(IllegalArgumentException.class, () -> OtaState.single("update", "a.b", "checking", "1.0.0", "1.1.0", "", "",
                5, List.of(), Instant.now()), "an update needs one");
    }

    private static OtaState feature(String step) {
        return new OtaState("feature", "bbq", step, "f1", 20, List.of("probe-1"), Instant.parse("2026-11-28T10:00:00Z"), List.of(
                new OtaState.Member("update", "dev.x.driver", "1.0.0", "2.0.0", "dev.x.driver.previous.jar"),
                new OtaState.Member("install", "dev.x.transport", "", "1.0.0", "")));
    }

    @Test
    void aSetRoundTripsAndTheOldSingleLayoutIsStillRead() throws Exception {
        OtaState s = feature("checking");
        s.write(dir);
        assertEquals(s, OtaState.read(dir));
        String legacy = "{\"op\":\"update\",\"bundle\":\"a.b\",\"step\":\"checking\",\"from_version\":\"1.0.0\",\"to_version\":\"2.0.0\","
                + "\"previous_jar\":\"a.b.previous.jar\",\"request\":\"r\",\"grace_s\":2,\"devices\":[],\"started\":\"2026-01-01T00:00:00Z\"}";
        assertEquals(OtaState.single("update", "a.b", "checking", "1.0.0", "2.0.0", "a.b.previous.jar", "r", 2, List.of(),
                Instant.parse("2026-01-01T00:00:00Z")), OtaState.fromJson(legacy));
    }

    @Test
    void aSetIsKeptOrUndoneAsAWhole() {
        java.util.Map<String, String> now = new java.util.HashMap<>();
        now.put("dev.x.driver", "2.0.0");
        now.put("dev.x.transport", "1.0.0");
        assertEquals(Decision.CHECK, feature("checking").decideSet(now::get), "every bundle is its new version");
        assertEquals(Decision.DISCARD, feature("staged").decideSet(now::get));
        assertEquals(Decision.ROLL_BACK, feature("rolling_back").decideSet(now::get));
        now.remove("dev.x.transport");
        assertEquals(Decision.ROLL_BACK, feature("updating").decideSet(now::get), "died before the install: the update is undone too");
        now.put("dev.x.transport", "1.0.0");
        now.put("dev.x.driver", "1.0.0");
        assertEquals(Decision.ROLL_BACK, feature("updating").decideSet(now::get), "died before the update: the install is undone too");
        assertEquals(Decision.DISCARD, feature("checking").decideSet(bsn -> null), "none of them is installed");
        OtaState installs = new OtaState("feature", "new", "checking", "", 5, List.of(), Instant.now(), List.of(
                new OtaState.Member("install", "a.one", "", "1.0.0", ""), new OtaState.Member("install", "a.two", "", "1.0.0", "")));
        assertEquals(Decision.CHECK, installs.decideSet(bsn -> "1.0.0"));
        assertEquals(Decision.UNINSTALL, installs.decideSet(bsn -> bsn.equals("a.one") ? "1.0.0" : null));
        assertEquals(Decision.UNINSTALL, installs.at("rolling_back").decideSet(bsn -> "1.0.0"));
    }

    @Test
    void hostileSetsAreRefused() throws Exception {
        String good = feature("checking").toJson();
        assertTrue(unusable(good.replace("\"dev.x.transport\"", "\"dev.x.driver\"")).contains("twice"), "a bundle twice");
        assertTrue(unusable(good.replace("\"bbq\"", "\"../bbq\"")).contains("feature name"));
        assertTrue(unusable(good.replace("\"op\":\"install\"", "\"op\":\"feature\"")).contains("op"), "a member's op");
        assertTrue(unusable(good.replace("\"dev.x.driver.previous.jar\"", "\"../x.jar\"")).contains("previous_jar"));
        assertTrue(unusable(good.replace("\"op\":\"feature\",\"feature\":\"bbq\"", "\"op\":\"update\"")).contains("one bundle"), "a bundle update of two");
        assertTrue(unusable(good.replace("\"bundles\":[", "\"bundles\":[{\"op\":\"install\",\"bundle\":\"z\",\"to_version\":\"1\",\"x\":1},"))
                .contains("unknown field"));
        assertTrue(unusable(good.replace("\"bundles\":[", "\"bundles\":[[1],")).contains("bad bundles"));
        assertTrue(unusable(good.replace("\"bundles\":[", "\"bundles\":[{\"op\":{\"a\":{\"b\":1}}},")).contains("not a state file"),
                "nesting");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= OtaRequest.MAX_MEMBERS; i++) {
            many.append(",{\"op\":\"install\",\"bundle\":\"m" + i + "\",\"from_version\":\"\",\"to_version\":\"1\",\"previous_jar\":\"\"}");
        }
        assertTrue(unusable(good.replace("\"bundles\":[", "\"bundles\":[" + many.substring(1) + ",")).contains("more than"), "too many");
        assertTrue(unusable(good.replace("\"bundles\":[", "\"bundles\":[],\"x\":[")).contains("unknown field"));
        assertTrue(unusable(good.replaceAll("\"bundles\":\\[.*\\]", "\"bundles\":[]")).contains("number of bundles"), "empty set");
    }
}
