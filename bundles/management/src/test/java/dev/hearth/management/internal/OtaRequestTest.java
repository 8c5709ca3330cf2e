package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class OtaRequestTest {

    private static final String SHA = "ab".repeat(32);

    private static OtaRequest parse(String op, String json) {
        return OtaRequest.parse(op, JsonParser.parseString(json).getAsJsonObject(), 1000);
    }

    private static String refused(String op, String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(op, json)).getMessage();
    }

    @Test
    void updateByUrl() {
        OtaRequest r = parse("bundle/update", "{\"bundle\":\"dev.hearth.driver.kasa\",\"url\":\"https://repo.example/k.jar\","
                + "\"sha256\":\"" + SHA.toUpperCase() + "\",\"grace_s\":12,\"devices\":[\"fridge\",\"fridge\",\"tv\"]}");
        assertEquals("dev.hearth.driver.kasa", r.bundle());
        assertEquals("https://repo.example/k.jar", r.url());
        assertNull(r.data());
        assertEquals(SHA, r.sha256(), "lower-cased");
        assertEquals(12, r.graceSeconds());
        assertEquals(List.of("fridge", "tv"), r.devices(), "duplicates dropped");
    }

    @Test
    void installInline() {
        byte[] jar = "PK-not-really".getBytes(StandardCharsets.US_ASCII);
        OtaRequest r = parse("bundle/install", "{\"data\":\"" + Base64.getEncoder().encodeToString(jar) + "\",\"sha256\":\"" + SHA
                + "\",\"start\":false}");
        assertArrayEquals(jar, r.data());
        assertNull(r.bundle(), "install takes the name from the jar");
        assertFalse(r.start());
        assertEquals(0, r.graceSeconds(), "0: the configured default");
        assertTrue(parse("bundle/install", "{\"data\":\"QQ==\",\"sha256\":\"" + SHA + "\"}").start(), "started by default");
    }

    @Test
    void simpleOperations() {
        assertEquals("a.b", parse("bundle/stop", "{\"bundle\":\"a.b\"}").bundle());
        assertEquals("a.b", parse("bundle/start", "{\"bundle\":\"a.b\"}").bundle());
        assertEquals("a.b", parse("bundle/uninstall", "{\"bundle\":\"a.b\"}").bundle());
        assertNull(parse("bundle/list", "{}").bundle());
        assertNull(parse("feature/list", "{}").feature());
    }

    @Test
    void hostileAndMalformedRequestsAreRefused() {
        String base = "\"bundle\":\"a.b\",\"sha256\":\"" + SHA + "\"";
        assertTrue(refused("bundle/update", "{" + base + "}").contains("'url' or as 'data'"));
        assertTrue(refused("bundle/update", "{" + base + ",\"url\":\"https://x/a.jar\",\"data\":\"QQ==\"}").contains("one of them"));
        assertTrue(refused("bundle/update", "{" + base + ",\"url\":\"file:///etc/passwd\"}").contains("https"));
        assertTrue(refused("bundle/update", "{" + base + ",\"url\":\"ftp://x/a.jar\"}").contains("https"));
        assertTrue(refused("bundle/update", "{" + base + ",\"url\":\"https://user:pw@x/a.jar\"}").contains("credentials"));
        assertTrue(refused("bundle/update", "{" + base + ",\"url\":\"https:///a.jar\"}").contains("host"));
        assertTrue(refused("bundle/update", "{" + base + ",\"url\":\"https://x/a b\"}").contains("not a URL"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"***\"}").contains("base64"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"\"}").contains("empty"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"" + "A".repeat(2000) + "\"}").contains("limit of 1000"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"" + "A".repeat(1336) + "\"}").contains("limit of 1000"),
                "1002 decoded bytes");
        assertTrue(refused("bundle/update", "{\"bundle\":\"a.b\",\"data\":\"QQ==\"}").contains("'sha256' is missing"));
        assertTrue(refused("bundle/update", "{\"bundle\":\"a.b\",\"data\":\"QQ==\",\"sha256\":\"abc\"}").contains("64 hexadecimal"));
        assertTrue(refused("bundle/update", "{\"bundle\":\"a.b\",\"data\":\"QQ==\",\"sha256\":\"" + "zz".repeat(32) + "\"}").contains("64 hexadecimal"));
        assertTrue(refused("bundle/update", "{\"bundle\":\"a.b\",\"data\":\"QQ==\",\"sha256\":12}").contains("must be a string"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"grace_s\":0}").contains("1 to 600"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"grace_s\":601}").contains("1 to 600"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"grace_s\":1.5}").contains("1 to 600"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"grace_s\":\"5\"}").contains("must be a number"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"devices\":[\"a/b\"]}").contains("device ids"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"devices\":[1]}").contains("device ids"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"devices\":\"x\"}").contains("must be a list"));
        assertTrue(refused("bundle/update", "{" + base + ",\"data\":\"QQ==\",\"start\":true}").contains("unknown field 'start'"));
        assertTrue(refused("bundle/install", "{\"bundle\":\"a.b\",\"data\":\"QQ==\",\"sha256\":\"" + SHA + "\"}").contains("unknown field 'bundle'"));
        assertTrue(refused("bundle/stop", "{}").contains("'bundle' is missing"));
        assertTrue(refused("bundle/stop", "{\"bundle\":\"(objectClass=*)\"}").contains("not a bundle symbolic name"));
        assertTrue(refused("bundle/stop", "{\"bundle\":\"../../etc\"}").contains("not a bundle symbolic name"));
        assertTrue(refused("bundle/stop", "{\"bundle\":\"a..b\"}").contains("not a bundle symbolic name"));
        assertTrue(refused("bundle/stop", "{\"bundle\":\"" + "a".repeat(300) + "\"}").contains("longer than 255"));
        assertTrue(refused("bundle/list", "{\"all\":true}").contains("unknown field"));
        assertTrue(refused("feature/list", "{\"feature\":\"bbq\"}").contains("unknown field"));
        assertTrue(refused("bundle/explode", "{}").contains("not an OTA operation"));
    }

    @Test
    void theOperationsAreKnownToTheEnvelope() throws Exception {
        for (String op : OtaRequest.OPS) {
            assertTrue(Request.OPS.contains(op), op);
            assertEquals(new JsonObject(), Request.parse(op, "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8), 100).body());
        }
    }

    private static String member(String bsn, String data, String sha) {
        return "{" + (bsn == null ? "" : "\"bundle\":\"" + bsn + "\",") + "\"data\":\"" + data + "\",\"sha256\":\"" + sha + "\"}";
    }

    @Test
    void aFeatureIsASetOfArtifacts() {
        OtaRequest r = parse("feature/install", "{\"feature\":\"bbq\",\"bundles\":[" + member("dev.hearth.driver.ibbq", "QQ==", SHA) + ","
                + "{\"url\":\"https://repo.example/ble.jar\",\"sha256\":\"" + "cd".repeat(32) + "\"}],\"grace_s\":20}");
        assertEquals("bbq", r.feature());
        assertEquals(2, r.members().size());
        assertEquals("dev.hearth.driver.ibbq", r.members().get(0).bundle());
        assertArrayEquals("A".getBytes(StandardCharsets.US_ASCII), r.members().get(0).data());
        assertNull(r.members().get(1).bundle(), "the name is optional: taken from the jar");
        assertEquals("https://repo.example/ble.jar", r.members().get(1).url());
        assertEquals(20, r.graceSeconds());
        assertFalse(r.devicesGiven(), "no list: the devices the replaced bundles published are checked");
        assertTrue(parse("feature/install", "{\"feature\":\"bbq\",\"devices\":[],\"bundles\":[" + member(null, "QQ==", SHA) + "]}")
                .devicesGiven(), "an empty list: no device is checked");
        OtaRequest u = parse("feature/uninstall", "{\"feature\":\"bbq\"}");
        assertTrue(u.members().isEmpty(), "the recorded set");
        assertEquals(List.of("a.b", "c"), parse("feature/uninstall", "{\"feature\":\"bbq\",\"bundles\":[\"a.b\",\"c\"]}").members()
                .stream().map(OtaRequest.Source::bundle).toList());
        // a single bundle is a set of one
        OtaRequest one = parse("bundle/install", "{\"data\":\"QQ==\",\"sha256\":\"" + SHA + "\"}");
        assertEquals(1, one.members().size());
        assertNull(one.feature());
    }

    @Test
    void hostileFeaturesAreRefused() {
        String a = member("a.one", "QQ==", SHA);
        String b = member("a.two", "Qg==", "cd".repeat(32));
        assertTrue(refused("feature/install", "{\"feature\":\"bbq\",\"bundles\":[]}").contains("'bundles'"));
        assertTrue(refused("feature/install", "{\"feature\":\"bbq\"}").contains("'bundles'"));
        assertTrue(refused("feature/install", "{\"bundles\":[" + a + "]}").contains("feature"), "no name");
        for (String bad : new String[] { "../etc", ".hidden", "a/b", "", "x".repeat(65), "bbq*" }) {
            assertTrue(refused("feature/install", "{\"feature\":\"" + bad + "\",\"bundles\":[" + a + "]}").contains("feature"), bad);
        }
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= OtaRequest.MAX_MEMBERS; i++) {
            many.append(i == 0 ? "" : ",").append(member("a.m" + i, "QQ==", String.format("%064x", i)));
        }
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[" + many + "]}").contains("more than 16"), "too many members");
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[" + a + "," + member("a.one", "Qg==", "cd".repeat(32)) + "]}")
                .contains("twice"), "a symbolic name twice");
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[" + a + "," + member("a.two", "QQ==", SHA) + "]}")
                .contains("same artifact"), "one artifact twice");
        // 1000 bytes is the limit for the whole set here: each member fits, together they do not
        String big = java.util.Base64.getEncoder().encodeToString(new byte[600]);
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[" + member("a.one", big, SHA) + ","
                + member("a.two", big, "cd".repeat(32)) + "]}").contains("together are larger"), "oversized total");
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[{\"data\":\"QQ==\",\"sha256\":\"" + SHA + "\",\"start\":false}]}")
                .contains("unknown field 'start' in bundles[0]"));
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[\"a.one\"]}").contains("must be an object"));
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[" + b + ",{\"sha256\":\"" + SHA + "\"}]}")
                .contains("in bundles[1]"), "no artifact in the second member");
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[{\"bundle\":\"(a=*)\",\"data\":\"QQ==\",\"sha256\":\"" + SHA
                + "\"}]}").contains("symbolic name"));
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[{\"url\":\"file:///etc/passwd\",\"sha256\":\"" + SHA
                + "\"}]}").contains("https"));
        assertTrue(refused("feature/install", "{\"feature\":\"f\",\"bundles\":[" + a + "],\"start\":true}").contains("unknown field"));
        assertTrue(refused("feature/uninstall", "{\"feature\":\"f\",\"bundles\":[\"a\",\"a\"]}").contains("twice"));
        assertTrue(refused("feature/uninstall", "{\"feature\":\"f\",\"bundles\":[]}").contains("empty"));
        assertTrue(refused("feature/uninstall", "{\"feature\":\"f\",\"bundles\":[1]}").contains("symbolic names"));
    }
}
