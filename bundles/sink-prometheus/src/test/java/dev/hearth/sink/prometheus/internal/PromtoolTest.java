package dev.hearth.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/**
 * Checks the output with Prometheus' own linter, {@code promtool check metrics} (Debian package
 * {@code prometheus}). It fails rather than skips without promtool: a format test that silently
 * does not run is worse than none. Exit code 1 is a parse error, 3 a lint finding.
 */
class PromtoolTest {

    private record Result(int exit, String output) {
    }

    private static Path promtool() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(p)) return p;
        }
        return fail("promtool not found on PATH or in /usr/bin: install the Debian package 'prometheus' "
                + "(apt-get install -y prometheus); this test does not skip");
    }

    private static Result check(String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(promtool().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish in 30 s");
        }
        return new Result(p.exitValue(), out);
    }

    private static PrometheusRegistry registry(String label) {
        return new PrometheusRegistry("", label, Duration.ofSeconds(300), 10_000, SelfMetrics.NAMES, Clock.systemUTC());
    }

    @Test
    void aRaspberryPiMonitorScrapeIsClean() throws Exception {
        PrometheusRegistry registry = registry("node");
        Instant at = Instant.now();
        registry.accept(List.of(
                Reading.of("pi", "cpu").at(at).field("usage", 12.5).field("temperature", 48.686).build(),
                Reading.of("pi", "cpu").at(at).tag("type", "all").field("cores", 4L).build(),
                Reading.of("pi", "cpu").at(at).tag("type", "physical").field("cores", 4L).build(),
                Reading.of("pi", "memory").at(at).tag("type", "total").field("usage", 3978760192L).build(),
                Reading.of("pi", "memory").at(at).tag("type", "available").field("usage", 3289538560L).build(),
                Reading.of("pi", "boot").at(at).field("time", 1717401663L).build(),
                Reading.of("pi", "system").at(at).field("time", 1717412345.678).field("load1", 0.52)
                        .field("load5", 0.58).field("load15", 0.59).build(),
                Reading.of("pi", "tcp").at(at).field("connections", 8L).field("established", 3L).build(),
                Reading.of("pi", "disk").at(at).tag("mount", "/").tag("type", "total").field("usage", 31_267_487_744L).build(),
                Reading.of("pi", "disk").at(at).tag("mount", "/boot/firmware").tag("type", "free").field("usage", 456_000_000L).build(),
                Reading.of("plug", "relay").at(at).field("on", true).field("alias", "Kettle").build()));
        String text = MetricsServlet.render(SelfMetrics.of(new FakeGateway(), registry.stats(), "node"), registry.snapshot());
        Result result = check(text);
        assertEquals(0, result.exit, result.output + "\n--- exposition ---\n" + text);
        assertEquals("", result.output.trim(), text);
    }

    @Test
    void hostileTagValuesStillParse() throws Exception {
        PrometheusRegistry registry = registry("device");
        registry.accept(List.of(
                Reading.of("dev \"quoted\" \\ back", "room").tag("name", "Kid's \"den\"\\\nsecond line").field("temp", 21.5).build(),
                Reading.of("d", "room").tag("name", "tab\tcr\rnul\u0000bell\u0007").field("temp", 1L).build(),
                Reading.of("d", "room").tag("name", "ünïcödé 🔥 中文 \uD800").field("temp", 2L).build(),
                Reading.of("d", "room").tag("name", "\\".repeat(Reading.MAX_TAG_VALUE_LENGTH)).field("temp", 3L).build(),
                Reading.of("d", "room").tag("name", "\"".repeat(Reading.MAX_TAG_VALUE_LENGTH)).field("temp", 4L).build(),
                Reading.of("d", "room").tag("name", "\n".repeat(Reading.MAX_TAG_VALUE_LENGTH)).field("temp", 5L).build(),
                Reading.of("d", "room").tag("__name__", "x").tag("le", "y").tag("device", "z").tag("9lives", "w")
                        .field("temp", 6L).build()));
        String text = MetricsServlet.render(SelfMetrics.of(null, registry.stats(), "device"), registry.snapshot());
        Result result = check(text);
        assertEquals(0, result.exit, result.output + "\n--- exposition ---\n" + text);
    }

    @Test
    void hostileNamesParseEvenWhereTheLinterHasOpinions() throws Exception {
        PrometheusRegistry registry = registry("device");
        registry.accept(List.of(Reading.of("d", "2nd-floor.Sensor").field("temp °C", 1L).field("ünï", 2L)
                .field("energy_total", 3.5).build()));
        String text = PrometheusText.write(registry.snapshot());
        Result result = check(text);
        // camelCase and a gauge named *_total are lint findings (exit 3), never parse errors (exit 1)
        assertNotEquals(1, result.exit, result.output + "\n--- exposition ---\n" + text);
    }

    @Test
    void promtoolReallyChecks() throws Exception {
        assertEquals(1, check("# TYPE a gauge\na{b=\"\\q\"} 1\n").exit, "an invalid escape must fail, or this test proves nothing");
    }
}
