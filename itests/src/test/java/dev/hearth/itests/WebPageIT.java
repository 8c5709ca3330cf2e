package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

/**
 * The Hearth page of the web console in a real browser (Debian chromium through playwright-core):
 * login required, devices and sinks shown, the chart growing as readings arrive, a device id full
 * of markup shown as text and never run, and the open page starting its chart afresh when the
 * page's bundle is updated under it. The browser part is
 * bundles/webconsole/src/test/playwright/hearth-page.test.mjs; its screenshot and output are kept
 * in target/webpage/.
 */
class WebPageIT {

    /** A device id that would run script if any of it reached the page as markup. */
    static final String HOSTILE = "<script>window.__hearthXss=1</script><img src=x onerror=window.__hearthXss=2>";

    @TempDir
    Path dir;

    @Test
    void thePageNeedsALoginShowsTheGatewayAndChartsReadingsAsTheyArrive() throws Exception {
        Path playwright = Path.of(System.getProperty("hearth.webconsole.playwright", "../bundles/webconsole/src/test/playwright"))
                .toAbsolutePath().normalize();
        Path artifacts = Path.of("target/webpage").toAbsolutePath();
        Files.createDirectories(artifacts);
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "the browser test needs Debian's chromium (apt-get install chromium)");
        if (!Files.isDirectory(playwright.resolve("node_modules/playwright-core"))) {
            run(playwright, artifacts.resolve("npm-ci.log"), Duration.ofMinutes(5), List.of("npm", "ci", "--no-audit", "--no-fund"), List.of());
        }

        try (Gateway g = new Gateway(dir, "core,system-monitor,web,loadgen")) {
            // Readings stamped from now on, so that they fall inside the chart's window.
            g.config("dev.hearth.driver.loadgen-evil.cfg", "device = " + HOSTILE + "\nrate_per_second = 5\nbatch_size = 1\n"
                    + "epoch_start_ms = " + System.currentTimeMillis() + "\n");
            g.start();

            // The data the page polls: only with the login, and it already knows the hostile device.
            // The password is read on every try: the launcher may not have finished writing it.
            String[] body = { "" };
            g.await(() -> {
                try {
                    HttpResponse<String> r = g.get("/system/console/hearth/data.json?since=0", "admin", g.password());
                    body[0] = "HTTP " + r.statusCode() + "\n" + r.body();
                    // the load generator and the host monitor (whose device id is the host name)
                    return r.statusCode() == 200 && devices(r.body()).contains(HOSTILE) && devices(r.body()).size() >= 2;
                } catch (IOException | RuntimeException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, Gateway.START, () -> "the Hearth page's data never listed the devices; last answer:\n" + body[0]);
            String password = g.password();
            assertFalse(body[0].contains("<"), "markup never reaches the JSON as such: " + body[0]);
            for (String path : List.of("/system/console/hearth", "/system/console/hearth/data.json", "/system/console/hearth/res/hearth.js")) {
                assertEquals(401, g.get(path, null, null).statusCode(), path + " without a login");
                assertEquals(401, g.get(path, "admin", password + "x").statusCode(), path + " with a wrong password");
            }

            // Mid-test, the page's bundle is updated in place (a new history): the open page must start afresh.
            long bundle = g.bundleId("dev.hearth.webconsole");
            String restart = "HEARTH_HOME=" + quote(g.home.toString()) + " " + quote(g.home.resolve("bin/hearth").toString())
                    + " shell " + quote("felix:update " + bundle);

            Path screenshot = artifacts.resolve("hearth-page.png");
            Files.deleteIfExists(screenshot);
            int exit = run(playwright, artifacts.resolve("browser.log"), Duration.ofMinutes(3),
                    List.of("node", "hearth-page.test.mjs"),
                    List.of("HEARTH_URL=http://127.0.0.1:" + g.port, "HEARTH_PASSWORD=" + password,
                            "HEARTH_HOSTILE_DEVICE=" + HOSTILE, "HEARTH_RESTART_CMD=" + restart, "HEARTH_SCREENSHOT=" + screenshot));
            String log = Files.readString(artifacts.resolve("browser.log"), StandardCharsets.UTF_8);
            assertEquals(0, exit, "the browser checks:\n" + log + "\n--- gateway log ---\n" + g.tail(40));
            assertTrue(log.contains("ok   the chart draws readings and grows as they arrive"), log);
            assertTrue(log.contains("ok   and nothing in it ran or became an element"), log);
            assertTrue(log.contains("ok   after the bundle restarts the open page starts its chart afresh"), log);
            byte[] png = Files.readAllBytes(screenshot);
            assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG screenshot of the page");
            Files.copy(g.log(), artifacts.resolve("gateway.log"), StandardCopyOption.REPLACE_EXISTING);
            assertEquals(0, g.stop());
        }
    }

    /** Single-quoted for sh. */
    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static List<String> devices(String json) {
        JsonElement root = JsonParser.parseString(json);
        return root.getAsJsonObject().getAsJsonArray("devices").asList().stream()
                .map(d -> d.getAsJsonObject().get("device").getAsString()).toList();
    }

    /** Runs a command in {@code dir} with extra environment, output to {@code log}; returns its exit code. */
    private static int run(Path dir, Path log, Duration timeout, List<String> command, List<String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(log));
        }
        return p.exitValue();
    }
}
