package dev.hearth.driver.kasa.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The npm {@code tplink-smarthome-simulator} (the real protocol peer, as the design asks), installed
 * into {@code target/npm} on first use and run by {@code src/test/node/kasa-sim.js} on 127.0.0.1:
 * an HS110 hw 1.0, an HS110 hw 2.0 and an HS300. Needs Node and, the first time, the npm registry.
 */
final class NpmKasaSimulator implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    final int hs110v1;
    final int hs110v2;
    final int hs300;

    NpmKasaSimulator() throws IOException, InterruptedException {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path npm = module.resolve("target/npm");
        Files.createDirectories(npm);
        for (String file : new String[] {"package.json", "kasa-sim.js"}) {
            Files.copy(module.resolve("src/test/node/" + file), npm.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(npm.resolve("node_modules/tplink-smarthome-simulator"))) {
            Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(npm.toFile()).redirectErrorStream(true).redirectOutput(npm.resolve("npm-install.log").toFile()).start();
            if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
                install.destroyForcibly();
                throw new IOException("npm install tplink-smarthome-simulator failed; see " + npm.resolve("npm-install.log") + ":\n"
                        + Files.readString(npm.resolve("npm-install.log")));
            }
        }
        process = new ProcessBuilder("node", "kasa-sim.js").directory(npm.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null) throw new IOException("kasa-sim.js ended before printing its ports");
        JsonObject ports = JsonParser.parseString(first).getAsJsonObject().getAsJsonObject("ports");
        hs110v1 = ports.get("hs110v1").getAsInt();
        hs110v2 = ports.get("hs110v2").getAsInt();
        hs300 = ports.get("hs300").getAsInt();
    }

    /** Sets a plug's (or, with {@code child} = slot, an outlet's) realtime meter, in W, V, A and kWh. */
    void realtime(String device, String child, double power, double voltage, double current, double totalKwh) throws IOException {
        command(String.format(Locale.ROOT, "{\"device\":\"%s\",%s\"realtime\":{\"power\":%s,\"voltage\":%s,\"current\":%s,\"total\":%s}}",
                device, child == null ? "" : "\"child\":\"" + child + "\",", power, voltage, current, totalKwh));
    }

    synchronized void command(String json) throws IOException {
        in.write(json + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null || !JsonParser.parseString(answer).getAsJsonObject().get("ok").getAsBoolean()) {
            throw new IOException("kasa-sim.js refused " + json + ": " + answer);
        }
    }

    Map<String, Integer> ports() {
        return Map.of("hs110v1", hs110v1, "hs110v2", hs110v2, "hs300", hs300);
    }

    @Override
    public void close() {
        try {
            in.close(); // the script exits when its stdin closes
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
