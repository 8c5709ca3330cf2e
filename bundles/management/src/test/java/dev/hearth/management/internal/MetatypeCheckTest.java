package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonParser;

class MetatypeCheckTest {

    private final MetatypeCheck check = new TestMetatype("dev.hearth.test")
            .add("sink_id", "String", true, null, null, null)
            .add("host", "String", true, "127.0.0.1", null, null)
            .add("port", "Integer", true, "1883", "1", "65535")
            .add("interval", "Long", true, "10", "1", null)
            .add("ratio", "Double", true, "0.5", "0", "1")
            .add("tls", "Boolean", true, "false", null, null)
            .add("qos", "Integer", true, "1", null, null, "0", "1", "2")
            .add("password", "Password", false, "", null, null)
            .add("outlets", "String", 10, false, "", null, null)
            .check();

    private List<String> problems(Map<String, String> props) {
        return check.problems(props, props.keySet());
    }

    private static String one(List<String> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    @Test
    void validConfigurationHasNoProblems() {
        assertEquals(List.of(), problems(Map.of("sink_id", "a", "port", "8883", "interval", "5", "ratio", "0.25", "tls", "true",
                "qos", "2", "outlets", "00, 01")));
    }

    @Test
    void wrongTypesAreRefused() {
        assertTrue(one(problems(Map.of("sink_id", "a", "port", "abc"))).contains("'port' = 'abc': expected an integer"));
        assertTrue(one(problems(Map.of("sink_id", "a", "port", "5.5"))).contains("expected an integer"));
        assertTrue(one(problems(Map.of("sink_id", "a", "port", "99999999999"))).contains("expected an integer (32 bit)"));
        assertTrue(one(problems(Map.of("sink_id", "a", "tls", "maybe"))).contains("expected true or false"));
        assertTrue(one(problems(Map.of("sink_id", "a", "port", ""))).contains("empty"));
    }

    @Test
    void felixValidateIsWeakOnInfinityAndNaN_soTheCheckIsOurs() {
        // Felix Metatype 1.2.4 accepts "Infinity" for a Double without bounds; the ratio has bounds, a plain Double none
        MetatypeCheck unbounded = new TestMetatype("x").add("d", "Double", true, "0", null, null).check();
        assertEquals("", new org.apache.felix.metatype.AD() {
            {
                setID("d");
                setType("Double");
            }
        }.validate("Infinity"), "Felix accepts Infinity (\"\" is valid): if this changes, the note in MetatypeCheck can go");
        assertTrue(one(unbounded.problems(Map.of("d", "Infinity"), Set.of("d"))).contains("a finite number"));
        assertTrue(one(unbounded.problems(Map.of("d", "NaN"), Set.of("d"))).contains("a finite number"));
        assertTrue(one(unbounded.problems(Map.of("d", "1e5d"), Set.of("d"))).contains("a finite number"));
    }

    @Test
    void rangesComeFromFelixValidate() {
        assertTrue(one(problems(Map.of("sink_id", "a", "port", "0"))).contains("less than minimum"));
        assertTrue(one(problems(Map.of("sink_id", "a", "port", "65536"))).contains("greater than maximum"));
        assertTrue(one(problems(Map.of("sink_id", "a", "ratio", "1.5"))).contains("greater than maximum"));
        assertTrue(one(problems(Map.of("sink_id", "a", "interval", "0"))).contains("less than minimum"));
    }

    @Test
    void optionsAreEnforced() {
        assertTrue(one(problems(Map.of("sink_id", "a", "qos", "3"))).contains("expected one of [0, 1, 2]"));
    }

    @Test
    void requiredWithoutDefaultMustBeThere() {
        assertTrue(one(problems(Map.of("port", "1883"))).contains("'sink_id' is required"));
        assertTrue(one(problems(Map.of("sink_id", " "))).contains("'sink_id' is required"));
    }

    @Test
    void unknownAndReservedKeysAreRefusedWhenRequested_andOnlyReportedWhenKept() {
        assertTrue(one(check.problems(Map.of("sink_id", "a", "colour", "red"), Set.of("colour"))).contains("'colour' is not a property"));
        assertTrue(one(check.problems(Map.of("sink_id", "a"), Set.of("service.pid"))).contains("set by the framework"));
        assertEquals(List.of(), check.problems(Map.of("sink_id", "a", "colour", "red"), Set.of("sink_id")));
        assertEquals(List.of("colour"), check.unknownKeys(Map.of("sink_id", "a", "colour", "red")));
    }

    @Test
    void jsonValuesBecomeText() {
        assertEquals("8883", check.toText("port", JsonParser.parseString("8883")));
        assertEquals("true", check.toText("tls", JsonParser.parseString("true")));
        assertEquals("0.25", check.toText("ratio", JsonParser.parseString("0.25")));
        assertEquals("00, Computer", check.toText("outlets", JsonParser.parseString("[\"00\", \"Computer\"]")));
        assertThrows(IllegalArgumentException.class, () -> check.toText("port", JsonParser.parseString("{\"a\":1}")));
        assertThrows(IllegalArgumentException.class, () -> check.toText("port", JsonParser.parseString("[1,2]")));
        assertThrows(IllegalArgumentException.class, () -> check.toText("outlets", JsonParser.parseString("[\"a,b\"]")));
        assertThrows(IllegalArgumentException.class, () -> check.toText("outlets", JsonParser.parseString("[[1]]")));
        assertThrows(IllegalArgumentException.class, () -> check.toText("outlets", JsonParser.parseString("[1,2,3,4,5,6,7,8,9,10,11]")));
        assertThrows(IllegalArgumentException.class, () -> check.toText("port", JsonParser.parseString("1e999999")));
    }

    @Test
    void secretsAreNeverEchoedInProblems() {
        MetatypeCheck c = new TestMetatype("x").add("password", "Password", true, null, "8", null).check();
        String p = one(c.problems(Map.of("password", "short"), Set.of("password")));
        assertTrue(p.contains("****") && !p.contains("short"), p);
        assertEquals(Set.of("password"), c.passwordKeys());
    }

    @Test
    void metatypeAsBndGeneratesIt_readByFelix() throws Exception {
        MetatypeCheck kasa;
        try (var in = getClass().getResourceAsStream("kasa-like-metatype.xml")) {
            kasa = TestMetatype.fromXml(in).check();
        }
        // empty defaults and lists are not "missing"; an attribute without a default is
        assertEquals(List.of("'sink_id' is required (Sink id)"), kasa.problems(Map.of(), Set.of()));
        assertEquals(List.of(), kasa.problems(Map.of("sink_id", "s", "outlets", "00, Computer"), Set.of("sink_id", "outlets")));
        assertTrue(one(kasa.problems(Map.of("sink_id", "s", "port", "0"), Set.of("port"))).contains("less than minimum"));
    }

    @Test
    void managementsOwnMetatype_generatedByBnd() throws Exception {
        java.nio.file.Path xml = java.nio.file.Path.of("target/classes/OSGI-INF/metatype/dev.hearth.management.internal.ManagementConfig.xml");
        MetatypeCheck own;
        try (var in = java.nio.file.Files.newInputStream(xml)) {
            own = TestMetatype.fromXml(in).check();
        }
        assertEquals(List.of(), own.problems(Map.of("host", "broker", "port", "8883"), Set.of("host", "port")));
        assertTrue(one(own.problems(Map.of("version", "4"), Set.of("version"))).contains("expected one of [5, 3]"));
        assertEquals(Set.of("password", ".password"), own.passwordKeys());
    }
}
