package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String text) throws Exception {
        Path f = dir.resolve("gateway.properties");
        Files.writeString(f, text);
        return GatewayConfig.load(f, () -> "pi4.lan");
    }

    private String error(String text) {
        return assertThrows(LauncherException.class, () -> load(text)).getMessage();
    }

    @Test
    void missingFileMeansDefaults() throws Exception {
        GatewayConfig c = GatewayConfig.load(dir.resolve("absent.properties"), () -> "pi4.lan");
        assertEquals(GatewayConfig.DEFAULT_FEATURES, c.features());
        assertEquals("pi4", c.gatewayId());
        assertEquals("127.0.0.1", c.httpHost());
        assertEquals(8181, c.httpPort());
        assertEquals("info", c.logLevel());
        assertEquals("", c.consolePasswordSha256());
        assertTrue(c.cleanCache());
        assertTrue(c.deploySignaturesRequired(), "signatures are required unless the owner says otherwise");
    }

    @Test
    void deploySignaturesAreRequiredOrOptional() throws Exception {
        assertFalse(load("deploy.signatures = optional\n").deploySignaturesRequired());
        assertTrue(load("deploy.signatures = required\n").deploySignaturesRequired());
        assertTrue(load("deploy.signatures =\n").deploySignaturesRequired());
        assertTrue(error("deploy.signatures = off\n").contains("deploy.signatures: 'off' is not required or optional"));
    }

    @Test
    void aLoggerGetsItsOwnLevel() throws Exception {
        GatewayConfig c = load("log.level = warn\nlog.level.dev.hearth.core = DEBUG\nlog.level.org.eclipse.jetty.server.Server=info\n");
        assertEquals("warn", c.logLevel());
        assertEquals(Map.of("dev.hearth.core", "debug", "org.eclipse.jetty.server.Server", "info"), c.loggerLevels());
        assertEquals(Map.of(), load("log.level = info\n").loggerLevels());
    }

    @Test
    void aBadLoggerLevelNamesTheKeyAndKeepsHostileTextShort() {
        assertTrue(error("log.level.dev.hearth.core = loud\n").contains("key log.level.dev.hearth.core: 'loud' is not one of trace"));
        assertTrue(error("log.level. = info\n").contains("not a logger name"));
        assertTrue(error("log.level.dev..hearth = info\n").contains("not a logger name"));
        assertTrue(error("log.level.dev/hearth = info\n").contains("not a logger name"));
        assertTrue(error("log.level.dev.hearth.core =\n").contains("is not one of"), "an empty level is refused, not ignored");
        String longName = "log.level." + "a".repeat(5000);
        String message = error(longName + " = info\n");
        assertTrue(message.contains("not a logger name"), message);
        assertTrue(message.length() < 400, "the 5,000-character key is abbreviated: " + message.length());
        String longValue = error("log.level.dev.hearth = " + "x".repeat(5000) + "\n");
        assertTrue(longValue.contains("(5000 characters)") && longValue.length() < 400, longValue);
        String unknown = error("x".repeat(5000) + " = 1\n");
        assertTrue(unknown.contains("unknown key") && unknown.length() < 600, unknown);
    }

    @Test
    void emptyValuesMeanDefaults() throws Exception {
        GatewayConfig c = load("hearth.features =\nhearth.gateway.id=\nhttp.port=\nlog.level=\n");
        assertEquals(GatewayConfig.DEFAULT_FEATURES, c.features());
        assertEquals(8181, c.httpPort());
    }

    @Test
    void readsEveryKey() throws Exception {
        GatewayConfig c = load("""
                # comment
                hearth.features = core, prometheus ,core
                hearth.gateway.id = garage-1
                http.host = 0.0.0.0
                http.port = 9000
                log.level = DEBUG
                console.password.sha256 = %s
                cache.clean = none
                """.formatted("AB".repeat(32)));
        assertEquals(List.of("core", "prometheus"), c.features());
        assertEquals("garage-1", c.gatewayId());
        assertEquals("0.0.0.0", c.httpHost());
        assertEquals(9000, c.httpPort());
        assertEquals("debug", c.logLevel());
        assertEquals("ab".repeat(32), c.consolePasswordSha256());
        assertFalse(c.cleanCache());
    }

    @Test
    void errorsNameTheFileAndTheKey() {
        String file = dir.resolve("gateway.properties").toString();
        String m = error("http.port = eighty\n");
        assertTrue(m.startsWith(file + ": key http.port:"), m);
        assertTrue(error("http.port = 70000\n").contains("key http.port"));
        assertTrue(error("http.port = 0\n").contains("key http.port"));
        assertTrue(error("log.level = loud\n").contains("key log.level"));
        assertTrue(error("hearth.features = Core!\n").contains("key hearth.features"));
        assertTrue(error("hearth.features = ,,\n").contains("names no feature"));
        assertTrue(error("hearth.gateway.id = a/b\n").contains("key hearth.gateway.id"));
        assertTrue(error("hearth.gateway.id = #\n").isEmpty() == false);
        assertTrue(error("console.password.sha256 = secret\n").contains("key console.password.sha256"));
        assertTrue(error("cache.clean = always\n").contains("key cache.clean"));
        assertTrue(error("http.host = evil host\n").contains("key http.host"));
    }

    @Test
    void unknownKeysAreRefused() {
        String m = error("http.prot = 8080\n");
        assertTrue(m.contains("unknown key http.prot"), m);
    }

    @Test
    void aRepeatedKeyTakesTheLastValue() throws Exception {
        // Tools (and the system tests) append overrides to the file.
        assertEquals(2, load("http.port = 1\nhttp.port = 2\n").httpPort());
    }

    @Test
    void malformedFilesAreRefused() throws Exception {
        assertTrue(error("http.port = \\u12\n").contains("malformed properties file"));
        Path f = dir.resolve("gateway.properties");
        Files.write(f, new byte[] {'l', 'o', 'g', '.', 'l', 'e', 'v', 'e', 'l', '=', (byte) 0xff, (byte) 0xfe});
        String m = assertThrows(LauncherException.class, () -> GatewayConfig.load(f, () -> "x")).getMessage();
        assertTrue(m.contains("not valid UTF-8"), m);
        Files.write(f, new byte[(int) GatewayConfig.MAX_SIZE + 1]);
        m = assertThrows(LauncherException.class, () -> GatewayConfig.load(f, () -> "x")).getMessage();
        assertTrue(m.contains("larger than"), m);
    }

    @Test
    void controlCharactersInValuesAreRefused() {
        LauncherException e = assertThrows(LauncherException.class, () -> GatewayConfig.parse(
                Map.of("hearth.gateway.id", "a\u0007b"), "g.properties", () -> "x"));
        assertTrue(e.getMessage().contains("control character"));
    }

    @Test
    void hostNameBecomesAValidId() {
        assertEquals("pi4", GatewayConfig.sanitizeHostName("pi4.example.org"));
        assertEquals("my-box", GatewayConfig.sanitizeHostName("my box"));
        assertEquals("hearth", GatewayConfig.sanitizeHostName(""));
        assertEquals("hearth", GatewayConfig.sanitizeHostName(null));
        assertEquals("hearth", GatewayConfig.sanitizeHostName("-"));
    }

    @Test
    void readsKeysAndValues() throws Exception {
        Map<String, String> m = GatewayConfig.read(new ByteArrayInputStream(
                "a=1\nb : 2\n".getBytes(StandardCharsets.UTF_8)), "x");
        assertEquals(Map.of("a", "1", "b", "2"), m);
    }
}
