package dev.hearth.itests.osgi;

import static dev.hearth.itests.osgi.ManagementTestClient.field;
import static dev.hearth.itests.osgi.ManagementTestClient.sha256;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.inject.Inject;

import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonObject;

import dev.hearth.api.status.GatewayStatus;
import dev.hearth.itests.osgi.ManagementTestClient.Msg;
import dev.hearth.signing.SignedJars;
import dev.hearth.signing.SigningKeys;
import dev.hearth.testkit.Mosquitto;

/**
 * OTA of bundles over MQTT against a real Mosquitto, in a real Felix with DS: test bundles built
 * and signed (Ed25519, {@link SignedJars#sign}) by the test, the signing key's certificate in the
 * gateway's {@code config/trusted-keys/}. Installed, refused (unsigned, tampered, wrongly signed,
 * wrong SHA-256, wrong symbolic name, protected bundles) with nothing changed, updated, rolled back
 * automatically when the new version fails its health check, and recovered after a simulated crash
 * mid-update. Methods run in name order on one sample bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class OtaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ROOT = ManagementTestClient.ROOT;
    private static final String SAMPLE = OtaBundles.SAMPLE;
    private static final char[] PASSWORD = "itest-secret".toCharArray();

    private static Mosquitto broker;
    private static ManagementTestClient mqtt;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    /** On the host: keys, test bundles, signatures (the JDK's jarsigner is not exported into the container). */
    @Configuration
    public Option[] config() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Paths.get(System.getProperty("hearth.itest.work",
                "target/paxexam")).toAbsolutePath()), "ota-home-");
        Path trusted = Files.createDirectories(home.resolve("config/trusted-keys"));
        Path keys = home.resolve("signing");
        Path pem = SigningKeys.generate(keys, "itest", PASSWORD);
        Files.copy(pem, trusted.resolve("itest.pem"));
        SigningKeys.generate(keys, "rogue", PASSWORD); // not trusted
        Path jars = Files.createDirectories(home.resolve("jars"));
        Path plain = Files.createDirectories(home.resolve("plain"));
        sign(OtaBundles.bundle(plain.resolve("v1.jar"), SAMPLE, "1.0.0", "GoodActivator", false), jars.resolve("v1.jar"), keys, "itest");
        Path v2 = OtaBundles.bundle(plain.resolve("v2.jar"), SAMPLE, "2.0.0", "GoodActivator", false);
        Files.copy(v2, jars.resolve("v2-unsigned.jar"));
        sign(v2, jars.resolve("v2.jar"), keys, "itest");
        sign(v2, jars.resolve("v2-rogue.jar"), keys, "rogue");
        OtaBundles.tampered(jars.resolve("v2.jar"), jars.resolve("v2-tampered.jar"));
        sign(OtaBundles.bundle(plain.resolve("other.jar"), "dev.hearth.itest.other", "2.0.0", "GoodActivator", false),
                jars.resolve("other.jar"), keys, "itest");
        sign(OtaBundles.bundle(plain.resolve("v3.jar"), SAMPLE, "3.0.0", "BadActivator", false), jars.resolve("v3-throws.jar"), keys, "itest");
        sign(OtaBundles.bundle(plain.resolve("v4.jar"), SAMPLE, "4.0.0", "GoodActivator", true), jars.resolve("v4-unsatisfied.jar"), keys, "itest");
        sign(OtaBundles.bundle(plain.resolve("v5.jar"), SAMPLE, "5.0.0", "GoodActivator", false), jars.resolve("v5.jar"), keys, "itest");
        Path loadgen = Paths.get(java.net.URI.create(HearthOptions.url("hearth-driver-loadgen")));
        sign(OtaBundles.withVersion(loadgen, "0.2.0", plain.resolve("loadgen.jar")), jars.resolve("loadgen-0.2.0.jar"), keys, "itest");
        sign(OtaBundles.withVersion(loadgen, "0.3.0", plain.resolve("loadgen-3.jar")), jars.resolve("loadgen-0.3.0.jar"), keys, "itest");
        return options(HearthOptions.base("ota"),
                frameworkProperty("hearth.gateway.id").value("itest"),
                frameworkProperty("hearth.home").value(home.toString()),
                frameworkProperty("hearth.itest.jars").value(jars.toString()),
                HearthOptions.mqttClient(),
                bundle(HearthOptions.url("hearth-signing")).startLevel(4),
                bundle(HearthOptions.url("hearth-driver-loadgen")).startLevel(4),
                bundle(HearthOptions.url("hearth-management")).startLevel(5));
    }

    private static void sign(Path in, Path out, Path keys, String name) throws Exception {
        SignedJars.sign(in, out, keys.resolve(name + ".p12"), PASSWORD, SigningKeys.ALIAS);
    }

    private synchronized void setUp() throws Exception {
        if (broker != null) return;
        broker = new Mosquitto(HearthOptions.testDirectory("mosquitto"), null).start();
        mqtt = ManagementTestClient.connect("itest-ota", broker.port(), TIMEOUT);
        configAdmin.getConfiguration("dev.hearth.management", "?").update(Hearth.dict("host", "127.0.0.1",
                "port", String.valueOf(broker.port())));
        mqtt.await("management online", m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("\"online\""));
    }

    private Path jar(String name) {
        return Paths.get(context.getProperty("hearth.itest.jars")).resolve(name);
    }

    private Path otaDir() {
        return Paths.get(context.getProperty("hearth.data")).resolve("ota");
    }

    /** An install or update request carrying {@code jar} inline. */
    private String artifact(String id, String bundle, String jar, String sha, String extra) throws IOException {
        return "{\"id\":\"" + id + "\"" + (bundle == null ? "" : ",\"bundle\":\"" + bundle + "\"") + ",\"data\":\""
                + Base64.getEncoder().encodeToString(Files.readAllBytes(jar(jar))) + "\",\"sha256\":\"" + sha + "\"" + extra + "}";
    }

    private String artifact(String id, String bundle, String jar, String extra) throws Exception {
        return artifact(id, bundle, jar, sha256(jar(jar)), extra);
    }

    private Bundle sample() {
        for (Bundle b : context.getBundles()) if (SAMPLE.equals(b.getSymbolicName())) return b;
        return null;
    }

    private List<String> steps(String requestId) {
        return mqtt.received().stream().filter(m -> m.topic().equals(ROOT + "events/ota") && requestId.equals(field(m.json(), "request")))
                .map(m -> m.json().get("step").getAsString()).toList();
    }

    @Test
    public void a_aSignedBundleIsInstalledOverMqtt() throws Exception {
        setUp();
        assertNull(sample());
        JsonObject r = mqtt.request("bundle/install", artifact("inst-1", null, "v1.jar", ""));
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals(SAMPLE, r.get("bundle").getAsString());
        assertEquals("1.0.0", r.get("version").getAsString());
        assertEquals("ACTIVE", r.get("state").getAsString());
        assertEquals(1, r.getAsJsonArray("signers").size());
        assertEquals("the request's id is echoed, not overwritten by the bundle's", "inst-1", r.get("id").getAsString());
        Bundle b = sample();
        assertEquals(b.getBundleId(), r.get("bundle_id").getAsLong());
        assertNotNull(b);
        assertEquals(Bundle.ACTIVE, b.getState());
        assertEquals(List.of("fetching", "verified", "installed", "checking", "healthy", "done"), steps("inst-1"));
        assertFalse("no state file once done", Files.exists(otaDir().resolve("state.json")));

        JsonObject list = mqtt.request("bundle/list", "{}");
        assertTrue(list.toString(), list.getAsJsonArray("bundles").toString().contains("\"bundle\":\"" + SAMPLE + "\",\"version\":\"1.0.0\",\"state\":\"ACTIVE\""));
        JsonObject again = mqtt.request("bundle/install", artifact("inst-2", null, "v1.jar", ""));
        assertFalse(again.get("ok").getAsBoolean());
        assertTrue(again.toString(), again.get("error").getAsString().contains("installed already"));
    }

    @Test
    public void b_untrustedOrMismatchedArtifactsAreRefusedAndNothingChanges() throws Exception {
        setUp();
        Bundle b = sample();
        long modified = b.getLastModified();
        String[][] cases = {
                { artifact("ref-unsigned", SAMPLE, "v2-unsigned.jar", ""), "signature" },
                { artifact("ref-tampered", SAMPLE, "v2-tampered.jar", ""), "signature" },
                { artifact("ref-rogue", SAMPLE, "v2-rogue.jar", ""), "signature" },
                { artifact("ref-sha", SAMPLE, "v2.jar", sha256(jar("v1.jar")), ""), "SHA-256 mismatch" },
                { artifact("ref-name", SAMPLE, "other.jar", ""), "symbolic name mismatch" },
                { artifact("ref-self", "dev.hearth.management", "v2.jar", ""), "itself" },
                { artifact("ref-api", "dev.hearth.api", "v2.jar", ""), "management depends on" },
                { artifact("ref-none", "dev.hearth.nothing", "v2.jar", ""), "no bundle" },
                { "{\"bundle\":\"" + SAMPLE + "\",\"url\":\"http://127.0.0.1:1/v2.jar\",\"sha256\":\"" + sha256(jar("v2.jar")) + "\"}",
                        "http:// is not allowed" },
        };
        for (String[] c : cases) {
            JsonObject r = mqtt.request("bundle/update", c[0]);
            assertFalse(r.toString(), r.get("ok").getAsBoolean());
            assertTrue(c[1] + " in " + r, r.get("error").getAsString().contains(c[1]));
            assertEquals("still " + SAMPLE + " 1.0.0", "1.0.0", sample().getVersion().toString());
            assertEquals(Bundle.ACTIVE, sample().getState());
            assertEquals("not touched: " + r, modified, sample().getLastModified());
        }
        assertEquals(List.of("fetching", "refused"), steps("ref-unsigned"));
        assertEquals("refused before anything is fetched", List.of("refused"), steps("ref-self"));
        assertFalse(Files.exists(otaDir().resolve("state.json")));
        assertFalse("the refused download is removed", Files.exists(otaDir().resolve("incoming.jar")));
    }

    @Test
    public void c_aSignedUpdateGoesLive() throws Exception {
        setUp();
        JsonObject r = mqtt.request("bundle/update", artifact("upd-2", SAMPLE, "v2.jar", ",\"grace_s\":5"));
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals("1.0.0", r.get("from_version").getAsString());
        assertEquals("2.0.0", r.get("version").getAsString());
        assertEquals("2.0.0", sample().getVersion().toString());
        assertEquals(Bundle.ACTIVE, sample().getState());
        assertEquals(List.of("fetching", "verified", "updating", "checking", "healthy", "done"), steps("upd-2"));
        assertTrue("the previous version is kept", Files.isRegularFile(otaDir().resolve(SAMPLE + ".previous.jar")));
    }

    @Test
    public void d_anUpdateWhoseActivatorThrowsIsRolledBack() throws Exception {
        setUp();
        JsonObject r = mqtt.request("bundle/update", artifact("upd-3", SAMPLE, "v3-throws.jar", ",\"grace_s\":5"));
        assertFalse(r.toString(), r.get("ok").getAsBoolean());
        assertTrue(r.toString(), r.get("rolled_back").getAsBoolean());
        assertTrue(r.toString(), r.get("error").getAsString().contains("broken on purpose"));
        assertEquals("2.0.0", sample().getVersion().toString());
        assertEquals(Bundle.ACTIVE, sample().getState());
        assertTrue(steps("upd-3").toString(), steps("upd-3").containsAll(List.of("updating", "rolling_back", "rolled_back")));
        assertFalse(Files.exists(otaDir().resolve("state.json")));
    }

    @Test
    public void e_anUpdateWithAnUnsatisfiableComponentIsRolledBack() throws Exception {
        setUp();
        JsonObject r = mqtt.request("bundle/update", artifact("upd-4", SAMPLE, "v4-unsatisfied.jar", ",\"grace_s\":3"));
        assertFalse(r.toString(), r.get("ok").getAsBoolean());
        assertTrue(r.toString(), r.get("rolled_back").getAsBoolean());
        assertTrue(r.toString(), r.get("error").getAsString().contains("unsatisfied references"));
        assertEquals("2.0.0", sample().getVersion().toString());
        assertEquals(Bundle.ACTIVE, sample().getState());
    }

    @Test
    public void f_anUpdateWhoseDevicesFallSilentIsRolledBack() throws Exception {
        setUp();
        JsonObject r = mqtt.request("bundle/update", artifact("upd-5", SAMPLE, "v5.jar", ",\"grace_s\":2,\"devices\":[\"sample-1\"]"));
        assertFalse(r.toString(), r.get("ok").getAsBoolean());
        assertTrue(r.toString(), r.get("error").getAsString().contains("no new readings from [sample-1]"));
        assertEquals("2.0.0", sample().getVersion().toString());
        assertEquals(Bundle.ACTIVE, sample().getState());
    }

    @Test
    public void g_stopAndStart() throws Exception {
        setUp();
        JsonObject stop = mqtt.request("bundle/stop", "{\"bundle\":\"" + SAMPLE + "\"}");
        assertTrue(stop.toString(), stop.get("ok").getAsBoolean());
        assertEquals(Bundle.RESOLVED, sample().getState());
        JsonObject start = mqtt.request("bundle/start", "{\"bundle\":\"" + SAMPLE + "\"}");
        assertTrue(start.toString(), start.get("ok").getAsBoolean());
        assertEquals("ACTIVE", start.get("state").getAsString());
        assertEquals(Bundle.ACTIVE, sample().getState());
        JsonObject self = mqtt.request("bundle/stop", "{\"bundle\":\"dev.hearth.management\"}");
        assertFalse(self.get("ok").getAsBoolean());
    }

    private Bundle management() {
        for (Bundle b : context.getBundles()) if ("dev.hearth.management".equals(b.getSymbolicName())) return b;
        throw new AssertionError("no management bundle");
    }

    private void restartManagement() throws BundleException {
        Bundle m = management();
        m.stop();
        m.start();
    }

    @Test
    public void h_anUpdateInterruptedByACrashIsRolledBackAtTheNextStart() throws Exception {
        setUp();
        // the state a gateway leaves when it dies during the health check of a broken 3.0.0
        Files.copy(jar("v2.jar"), otaDir().resolve(SAMPLE + ".previous.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(otaDir().resolve("state.json"), "{\"op\":\"update\",\"bundle\":\"" + SAMPLE + "\",\"step\":\"checking\","
                + "\"from_version\":\"2.0.0\",\"to_version\":\"3.0.0\",\"previous_jar\":\"" + SAMPLE + ".previous.jar\","
                + "\"request\":\"crash-1\",\"grace_s\":2,\"devices\":[],\"started\":\"2026-01-01T00:00:00Z\"}");
        try (InputStream in = Files.newInputStream(jar("v3-throws.jar"))) {
            sample().update(in);
        } catch (BundleException expected) {
            // the activator throws: the new version is in, not running
        }
        assertEquals("3.0.0", sample().getVersion().toString());
        assertFalse(sample().getState() == Bundle.ACTIVE);

        restartManagement();
        Msg m = mqtt.await("recovery event", x -> x.topic().equals(ROOT + "events/ota") && x.payload().contains("\"decision\"")
                && x.payload().contains("crash-1"));
        JsonObject e = m.json();
        assertEquals("check", e.get("decision").getAsString());
        assertTrue(e.toString(), e.get("outcome").getAsString().startsWith("rolled back to 2.0.0"));
        assertEquals("2.0.0", sample().getVersion().toString());
        assertEquals(Bundle.ACTIVE, sample().getState());
        assertFalse(Files.exists(otaDir().resolve("state.json")));
    }

    @Test
    public void i_anUnusableStateFileIsSetAsideNotObeyed() throws Exception {
        setUp();
        long modified = sample().getLastModified();
        Files.writeString(otaDir().resolve("state.json"), "{\"op\":\"update\",\"bundle\":\"" + SAMPLE + "\",\"step\":\"checking\","
                + "\"previous_jar\":\"../../../etc/passwd\"");
        restartManagement();
        Msg m = mqtt.await("unusable state event", x -> x.topic().equals(ROOT + "events/ota") && x.payload().contains("unusable_state"));
        assertTrue(m.payload(), m.json().get("outcome").getAsString().contains("nothing done"));
        assertTrue(Files.exists(otaDir().resolve("state.json.bad")));
        assertFalse(Files.exists(otaDir().resolve("state.json")));
        assertEquals(modified, sample().getLastModified());
        assertEquals(Bundle.ACTIVE, sample().getState());
    }

    @Test
    public void j_anArtifactFetchedByUrlIsVerifiedLikeAnInlineOne() throws Exception {
        setUp();
        // plain http only because it is configured here; https is covered by the download unit tests (JDK trust)
        int before = mqtt.received().size();
        configAdmin.getConfiguration("dev.hearth.management", "?").update(Hearth.dict("host", "127.0.0.1",
                "port", String.valueOf(broker.port()), "ota_allow_http", "true"));
        Poll.until("management back online with http allowed", Duration.ofSeconds(30), () -> mqtt.received().stream().skip(before)
                .anyMatch(m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("\"online\"")), up -> up);
        // a plain static file server with java.net only: the test runs inside Felix, where the JDK's
        // com.sun.net.httpserver is not exported to bundles
        java.net.ServerSocket http = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            while (!http.isClosed()) {
                try (java.net.Socket c = http.accept()) {
                    String line = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                    Path file = jar(line.split(" ")[1].substring(1));
                    var out = c.getOutputStream();
                    if (Files.isRegularFile(file)) {
                        byte[] body = Files.readAllBytes(file);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.write(body);
                    } else {
                        out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed at the end of the test, or a broken request: the download reports it
                }
            }
        }, "ota-itest-http");
        server.setDaemon(true);
        server.start();
        try {
            String base = "http://127.0.0.1:" + http.getLocalPort() + "/";
            long modified = sample().getLastModified();
            JsonObject tampered = mqtt.request("bundle/update", "{\"id\":\"url-bad\",\"bundle\":\"" + SAMPLE + "\",\"url\":\"" + base
                    + "v2-tampered.jar\",\"sha256\":\"" + sha256(jar("v2-tampered.jar")) + "\"}");
            assertFalse(tampered.toString(), tampered.get("ok").getAsBoolean());
            assertTrue(tampered.toString(), tampered.get("error").getAsString().contains("signature"));
            assertEquals("the tampered download changed nothing", modified, sample().getLastModified());

            JsonObject missing = mqtt.request("bundle/update", "{\"id\":\"url-404\",\"bundle\":\"" + SAMPLE + "\",\"url\":\"" + base
                    + "nothing.jar\",\"sha256\":\"" + sha256(jar("v5.jar")) + "\"}");
            assertFalse(missing.toString(), missing.get("ok").getAsBoolean());
            assertTrue(missing.toString(), missing.get("error").getAsString().contains("404"));

            JsonObject r = mqtt.request("bundle/update", "{\"id\":\"url-5\",\"bundle\":\"" + SAMPLE + "\",\"url\":\"" + base
                    + "v5.jar\",\"sha256\":\"" + sha256(jar("v5.jar")) + "\",\"grace_s\":2,\"devices\":[]}");
            assertTrue(r.toString(), r.get("ok").getAsBoolean());
            assertEquals("5.0.0", sample().getVersion().toString());
            assertEquals(Bundle.ACTIVE, sample().getState());
            assertEquals(List.of("fetching", "verified", "updating", "checking", "healthy", "done"), steps("url-5"));
        } finally {
            http.close();
            configAdmin.getConfiguration("dev.hearth.management", "?").update(Hearth.dict("host", "127.0.0.1",
                    "port", String.valueOf(broker.port())));
        }
    }

    private long readings(String device) {
        var ref = context.getServiceReference(GatewayStatus.class);
        GatewayStatus s = context.getService(ref);
        try {
            return s.devices().stream().filter(d -> d.device().equals(device)).mapToLong(d -> d.readings()).sum();
        } finally {
            context.ungetService(ref);
        }
    }

    @Test
    public void k_aSignedDriverUpdateGoesLiveAndItsReadingsResume() throws Exception {
        setUp();
        configAdmin.createFactoryConfiguration("dev.hearth.driver.loadgen", "?").update(Hearth.dict("device", "ota-load",
                "rate_per_second", "50", "batch_size", "1"));
        Poll.until("readings from ota-load", TIMEOUT, () -> readings("ota-load"), n -> n > 0);
        Bundle driver = null;
        for (Bundle b : context.getBundles()) if ("dev.hearth.driver.loadgen".equals(b.getSymbolicName())) driver = b;
        assertTrue("installed from a file: the rollback copy comes from its location", driver.getLocation().startsWith("file:"));
        String before = driver.getVersion().toString();
        JsonObject r = mqtt.request("bundle/update", artifact("drv-1", "dev.hearth.driver.loadgen", "loadgen-0.2.0.jar",
                ",\"grace_s\":30,\"devices\":[\"ota-load\"]"));
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals(before, r.get("from_version").getAsString());
        assertEquals("0.2.0", driver.getVersion().toString());
        assertEquals(Bundle.ACTIVE, driver.getState());
        assertTrue(steps("drv-1").toString(), steps("drv-1").contains("healthy"));
        // the health check waited for new readings from the updated driver; they keep coming
        long after = readings("ota-load");
        Poll.until("more readings from ota-load", TIMEOUT, () -> readings("ota-load"), n -> n > after);
        assertTrue(Files.isRegularFile(otaDir().resolve("dev.hearth.driver.loadgen.previous.jar")));
        assertTrue(Files.isRegularFile(otaDir().resolve("dev.hearth.driver.loadgen.current.jar")));
    }

    @Test
    public void l_anUpdateInterruptedAfterItWentLiveIsCompletedAtTheNextStartIfHealthy() throws Exception {
        setUp();
        Bundle driver = null;
        for (Bundle b : context.getBundles()) if ("dev.hearth.driver.loadgen".equals(b.getSymbolicName())) driver = b;
        assertEquals("0.2.0", driver.getVersion().toString());
        long modified = driver.getLastModified();
        // died during the health check of 0.2.0, which is in and running
        Files.writeString(otaDir().resolve("state.json"), "{\"op\":\"update\",\"bundle\":\"dev.hearth.driver.loadgen\","
                + "\"step\":\"checking\",\"from_version\":\"0.1.0.SNAPSHOT\",\"to_version\":\"0.2.0\","
                + "\"previous_jar\":\"dev.hearth.driver.loadgen.previous.jar\",\"request\":\"crash-2\",\"grace_s\":20,"
                + "\"devices\":[\"ota-load\"],\"started\":\"2026-01-01T00:00:00Z\"}");
        restartManagement();
        Msg m = mqtt.await("recovery event", x -> x.topic().equals(ROOT + "events/ota") && x.payload().contains("\"decision\"")
                && x.payload().contains("crash-2"));
        assertEquals("check", m.json().get("decision").getAsString());
        assertTrue(m.payload(), m.json().get("outcome").getAsString().startsWith("completed"));
        assertEquals("0.2.0", driver.getVersion().toString());
        assertEquals("kept, not touched", modified, driver.getLastModified());
        assertFalse(Files.exists(otaDir().resolve("state.json")));
    }

    @Test
    public void m_withoutADeviceListTheDevicesTheDriverPublishedAreChecked() throws Exception {
        setUp();
        Bundle driver = null;
        for (Bundle b : context.getBundles()) if ("dev.hearth.driver.loadgen".equals(b.getSymbolicName())) driver = b;
        long id = driver.getBundleId();
        // the core knows which bundle publishes ota-load (the ReadingPublisher is bundle-scoped)
        var ref = context.getServiceReference(GatewayStatus.class);
        GatewayStatus s = context.getService(ref);
        try {
            var p = s.publishers().stream().filter(x -> x.device().equals("ota-load")).findFirst().orElseThrow();
            assertEquals(id, p.bundleId());
            assertEquals("dev.hearth.driver.loadgen", p.symbolicName());
        } finally {
            context.ungetService(ref);
        }
        JsonObject r = mqtt.request("bundle/update", artifact("drv-3", "dev.hearth.driver.loadgen", "loadgen-0.3.0.jar", ",\"grace_s\":30"));
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals("0.3.0", driver.getVersion().toString());
        Msg checking = mqtt.received().stream().filter(m -> m.topic().equals(ROOT + "events/ota") && "drv-3".equals(field(m.json(), "request"))
                && "checking".equals(field(m.json(), "step"))).findFirst().orElseThrow();
        assertTrue(checking.payload(), List.of(field(checking.json(), "devices").split(",")).contains("ota-load"));
        assertTrue(steps("drv-3").toString(), steps("drv-3").contains("healthy"));
    }

    @Test
    public void z_uninstall() throws Exception {
        setUp();
        JsonObject r = mqtt.request("bundle/uninstall", "{\"bundle\":\"" + SAMPLE + "\"}");
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertNull(sample());
        JsonObject again = mqtt.request("bundle/uninstall", "{\"bundle\":\"" + SAMPLE + "\"}");
        assertTrue(again.toString(), again.get("error").getAsString().contains("no bundle"));
        mqtt.disconnect();
        broker.stop();
    }
}
