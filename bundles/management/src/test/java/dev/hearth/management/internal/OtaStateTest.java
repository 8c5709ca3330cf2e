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
        return new OtaState("update", "dev.hearth.driver.kasa", step, "1.0.0", "1.1.0", "dev.hearth.driver.kasa.previous.jar", "r1",
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
        OtaState sameVersion = new OtaState("update", "a.b", "checking", "1.0.0", "1.0.0", "a.b.previous.jar", "", 5, List.of(),
                Instant.now());
        assertEquals(Decision.ROLL_BACK, sameVersion.decide("1.0.0"), "versions cannot tell old from new: the saved jar wins");
        OtaState install = new OtaState("install", "a.b", "checking", "", "1.0.0", "", "", 5, List.of(), Instant.now());
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
        assertThrows(IllegalArgumentException.class, () -> new OtaState("install", "a.b", "checking", "", "1.0.0", "a.b.previous.jar", "",
                5, List.of(), Instant.now()), "an install has no previous jar");
        assertThrows(IllegalArgumentException.class, () -> new OtaState("update", "a.b", "checking", "1.0.0", "1.1.0", "", "",
                5, List.of(), Instant.now()), "an update needs one");
    }
}
