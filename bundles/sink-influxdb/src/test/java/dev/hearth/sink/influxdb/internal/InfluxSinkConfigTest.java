package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration to settings: defaults, the sink id, and every combination refused at activation. */
class InfluxSinkConfigTest {

    /** The annotation as DS would build it: the given keys (method names), the rest from its defaults. */
    static InfluxSinkConfig config(Map<String, Object> values) {
        return (InfluxSinkConfig) Proxy.newProxyInstance(InfluxSinkConfig.class.getClassLoader(),
                new Class<?>[] { InfluxSinkConfig.class }, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) return values.get(method.getName());
                    if (method.getDefaultValue() != null) return method.getDefaultValue();
                    if (method.getName().equals("url")) return "";
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static InfluxSettings settings(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return InfluxSink.settings("influxdb-t", config(m));
    }

    static String refusal(Object... keyValues) {
        return assertThrows(IllegalArgumentException.class, () -> settings(keyValues)).getMessage();
    }

    @Test
    void defaultsAreV2MillisecondsGzipTenSecondsAndBatchesOf5000() {
        InfluxSettings s = settings("url", "http://influx:8086", "bucket", "home", "token", "t0k");
        assertEquals(InfluxSettings.Api.V2, s.api());
        assertEquals(LineProtocol.Precision.MS, s.precision());
        assertTrue(s.gzip());
        assertEquals(10, s.timeout().toSeconds());
        assertEquals(5000, s.batchSize());
        assertEquals("device", s.deviceTag());
        assertNull(s.tls());
        assertEquals("http://influx:8086/api/v2/write?bucket=home&precision=ms", s.writeUri().toString());
        assertEquals("Token t0k", s.authorization());
    }

    @Test
    void v1WithUserAndPasswordFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\n");
        InfluxSettings s = settings("url", "http://influx:8086", "api", "v1", "database", "home", "retention__policy", "week",
                "username", "gw", "password__file", file.toString(), "precision", "s");
        assertEquals("http://influx:8086/write?db=home&rp=week&precision=s", s.writeUri().toString());
        assertEquals("from-file", s.password().reveal());
        assertFalse(s.toString().contains("from-file"));
    }

    @Test
    void badCombinationsAreRefusedWithTheReason() {
        assertTrue(refusal("url", "").contains("url is required"));
        assertTrue(refusal("url", "influx:8086", "bucket", "b").contains("http:// or https://"));
        assertTrue(refusal("url", "http://u:p@influx:8086", "bucket", "b").contains("must not carry credentials"));
        assertTrue(refusal("url", "http://influx:8086").contains("api v2 needs a bucket"));
        assertTrue(refusal("url", "http://influx:8086", "api", "v1").contains("api v1 needs a database"));
        assertTrue(refusal("url", "http://influx:8086", "api", "v3").contains("api must be v1 or v2"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "precision", "m").contains("precision must be one of"));
        assertTrue(refusal("url", "http://influx:8086", "api", "v1", "database", "d", "token", "t").contains("not a token"));
        assertTrue(refusal("url", "http://influx:8086", "api", "v1", "database", "d", "bucket", "b").contains("belong to api v2"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "database", "d").contains("belong to api v1"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "username", "u").contains("needs a password"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "password", "p").contains("needs a username"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "token", "t", "username", "u", "password", "p").contains("not both"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "password", "p", "password__file", "/x").contains("not both"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "token__file", "/nonexistent/token").contains("cannot read secret file"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "tls__sha256", "ab").contains("need an https url"));
        assertTrue(refusal("url", "https://influx:8086", "bucket", "b", "tls__sha256", "ab").contains("64 hexadecimal digits"));
        assertTrue(refusal("url", "https://influx:8086", "bucket", "b", "tls__sha256", "ab".repeat(32), "ca__file", "/c.pem").contains("not both"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "timeout__seconds", 0).contains("timeout_seconds"));
        assertTrue(refusal("url", "http://influx:8086", "bucket", "b", "hearth_sink_batch_size", 0).contains("batch.size"));
        // every message names the sink, none shows a secret
        String m = refusal("url", "http://influx:8086", "bucket", "b", "token", "s3cr3t", "username", "u", "password", "p4ss");
        assertTrue(m.startsWith("sink influxdb-t: "), m);
        assertFalse(m.contains("s3cr3t") || m.contains("p4ss"), m);
    }

    @Test
    void httpsWithAPinOrTheSystemCas() {
        assertTrue(settings("url", "https://influx:8086", "bucket", "b", "tls__sha256", "AB:".repeat(31) + "AB").tls().isPinned());
        assertFalse(settings("url", "https://influx:8086", "bucket", "b").tls().isPinned());
    }

    @Test
    void theSinkIdComesFromTheConfigTheNameOrTheInstance() {
        assertEquals("my-own", InfluxSink.sinkId("my-own", "x", Map.of()));
        assertEquals("influxdb-garage", InfluxSink.sinkId("", "garage", Map.of()));
        assertEquals("influxdb-cloud", InfluxSink.sinkId("", "", Map.of("service.pid", "dev.hearth.sink.influxdb~cloud")));
        assertEquals("influxdb-lab", InfluxSink.sinkId("", "", Map.of("service.pid", "dev.hearth.sink.influxdb.3f1c-77",
                "felix.fileinstall.filename", "file:/opt/hearth/config/dev.hearth.sink.influxdb-lab.cfg")));
        String m = assertThrows(IllegalArgumentException.class,
                () -> InfluxSink.sinkId("", "", Map.of("service.pid", "dev.hearth.sink.influxdb.3f1c-77"))).getMessage();
        assertTrue(m.contains("set name"), m);
    }
}
