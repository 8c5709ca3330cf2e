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

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

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

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.hearth.api.status.DevicePublisher;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.itests.osgi.ManagementTestClient.Msg;
import dev.hearth.signing.SignedJars;
import dev.hearth.signing.SigningKeys;
import dev.hearth.testkit.Mosquitto;

/**
 * OTA of features (sets of bundles) over MQTT against a real Mosquitto, in a real Felix with DS:
 * a test driver (publishes device {@code fdev} through the core's ReadingPublisher) and its
 * "transport" bundle, built and signed by the test. Installed and updated together with one
 * health check that, without a device list, waits for the devices the driver published before;
 * hostile sets refused with nothing changed; a member that throws on activation, or a driver whose
 * device falls silent, rolls back every member; a crash mid-update of the set is undone at the
 * next start; the feature uninstalled as a set. Methods run in name order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class OtaFeatureIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ROOT = ManagementTestClient.ROOT;
    private static final String DRIVER = "dev.hearth.itest.fdriver";
    private static final String TRANSPORT = "dev.hearth.itest.ftransport";
    private static final String EXTRA = "dev.hearth.itest.fextra";
    private static final String DEVICE = "fdev";
    private static final char[] PASSWORD = "itest-secret".toCharArray();
    /** Management's ota_max_kib here: each padded member fits, two together do not. */
    private static final int OTA_MAX_KIB = 16;

    private static Mosquitto broker;
    private static ManagementTestClient mqtt;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Paths.get(System.getProperty("hearth.itest.work",
                "target/paxexam")).toAbsolutePath()), "ota-feature-home-");
        Path trusted = Files.createDirectories(home.resolve("config/trusted-keys"));
        Path keys = home.resolve("signing");
        Files.copy(SigningKeys.generate(keys, "itest", PASSWORD), trusted.resolve("itest.pem"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        Path plain = Files.createDirectories(home.resolve("plain"));
        Map<String, String> publishes = Map.of("X-Itest-Device", DEVICE);
        for (String v : List.of("1.0.0", "2.0.0", "3.0.0")) {
            sign(OtaBundles.bundle(plain.resolve("driver-" + v + ".jar"), DRIVER, v, "PublishingActivator", false, publishes, 0),
                    jars.resolve("driver-" + v + ".jar"), keys);
        }
        sign(OtaBundles.bundle(plain.resolve("driver-4-silent.jar"), DRIVER, "4.0.0", "PublishingActivator", false, Map.of(), 0),
                jars.resolve("driver-4.0.0-silent.jar"), keys);
        sign(OtaBundles.bundle(plain.resolve("driver-2.0.1.jar"), DRIVER, "2.0.1", "PublishingActivator", false, publishes, 0),
                jars.resolve("driver-2.0.1.jar"), keys);
        sign(OtaBundles.bundle(plain.resolve("driver-5-padded.jar"), DRIVER, "5.0.0", "PublishingActivator", false, publishes, 10 * 1024),
                jars.resolve("driver-5.0.0-padded.jar"), keys);
        for (String v : List.of("1.0.0", "2.0.0", "4.0.0")) {
            sign(OtaBundles.bundle(plain.resolve("transport-" + v + ".jar"), TRANSPORT, v, "GoodActivator", false, Map.of(), 0),
                    jars.resolve("transport-" + v + ".jar"), keys);
        }
        Path t3 = OtaBundles.bundle(plain.resolve("transport-3.jar"), TRANSPORT, "3.0.0", "BadActivator", false, Map.of(), 0);
        sign(t3, jars.resolve("transport-3.0.0-throws.jar"), keys);
        Files.copy(OtaBundles.bundle(plain.resolve("transport-5.jar"), TRANSPORT, "5.0.0", "GoodActivator", false, Map.of(), 0),
                jars.resolve("transport-5.0.0-unsigned.jar"));
        OtaBundles.tampered(jars.resolve("transport-2.0.0.jar"), jars.resolve("transport-2.0.0-tampered.jar"));
        sign(OtaBundles.bundle(plain.resolve("transport-5-padded.jar"), TRANSPORT, "5.0.0", "GoodActivator", false, Map.of(), 10 * 1024),
                jars.resolve("transport-5.0.0-padded.jar"), keys);
        sign(OtaBundles.bundle(plain.resolve("extra.jar"), EXTRA, "1.0.0", "GoodActivator", false, Map.of(), 0), jars.resolve("extra-1.0.0.jar"), keys);
        sign(OtaBundles.bundle(plain.resolve("mgmt.jar"), "dev.hearth.management", "9.0.0", "GoodActivator", false, Map.of(), 0),
                jars.resolve("management-9.0.0.jar"), keys);
        return options(HearthOptions.base("ota-feature"),
                frameworkProperty("hearth.gateway.id").value("itest"),
                frameworkProperty("hearth.home").value(home.toString()),
                frameworkProperty("hearth.itest.jars").value(jars.toString()),
                HearthOptions.mqttClient(),
                bundle(HearthOptions.url("hearth-signing")).startLevel(4),
                bundle(HearthOptions.url("hearth-management")).startLevel(5));
    }

    private static void sign(Path in, Path out, Path keys) throws Exception {
        SignedJars.sign(in, out, keys.resolve("itest.p12"), PASSWORD, SigningKeys.ALIAS);
    }

    private synchronized void setUp() throws Exception {
        if (broker != null) return;
        broker = new Mosquitto(HearthOptions.testDirectory("mosquitto"), null).start();
        mqtt = ManagementTestClient.connect("itest-ota-feature", broker.port(), TIMEOUT);
        configAdmin.getConfiguration("dev.hearth.management", "?").update(Hearth.dict("host", "127.0.0.1",
                "port", String.valueOf(broker.port()), "ota_max_kib", String.valueOf(OTA_MAX_KIB), "max_request_kib", "256"));
        mqtt.await("management online", m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("\"online\""));
    }

    private Path jar(String name) {
        return Paths.get(context.getProperty("hearth.itest.jars")).resolve(name);
    }

    private Path otaDir() {
        return Paths.get(context.getProperty("hearth.data")).resolve("ota");
    }

    /** A member of a feature request, inline; {@code bundle} optional. */
    private String member(String bundle, String jar) throws Exception {
        return "{" + (bundle == null ? "" : "\"bundle\":\"" + bundle + "\",") + "\"data\":\""
                + Base64.getEncoder().encodeToString(Files.readAllBytes(jar(jar))) + "\",\"sha256\":\"" + sha256(jar(jar)) + "\"}";
    }

    private static String feature(String id, String extra, String... members) {
        return "{\"id\":\"" + id + "\",\"feature\":\"bbq\",\"bundles\":[" + String.join(",", members) + "]" + extra + "}";
    }

    private Bundle find(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        return null;
    }

    private String version(String bsn) {
        Bundle b = find(bsn);
        return b == null ? null : b.getVersion().toString();
    }

    private List<Msg> events(String requestId) {
        return mqtt.received().stream().filter(m -> m.topic().equals(ROOT + "events/ota") && requestId.equals(field(m.json(), "request"))).toList();
    }

    private List<String> steps(String requestId) {
        return events(requestId).stream().map(m -> m.json().get("step").getAsString()).toList();
    }

    private static JsonObject result(JsonObject response, String bsn) {
        for (JsonElement e : response.getAsJsonArray("results")) {
            if (bsn.equals(field(e.getAsJsonObject(), "bundle"))) return e.getAsJsonObject();
        }
        throw new AssertionError("no result for " + bsn + " in " + response);
    }

    private <T> T withStatus(java.util.function.Function<GatewayStatus, T> f) {
        var ref = context.getServiceReference(GatewayStatus.class);
        GatewayStatus s = context.getService(ref);
        try {
            return f.apply(s);
        } finally {
            context.ungetService(ref);
        }
    }

    private long readings(String device) {
        return withStatus(s -> s.devices().stream().filter(d -> d.device().equals(device)).mapToLong(d -> d.readings()).sum());
    }

    private void assertNoLeftovers() throws Exception {
        assertFalse("no state file once the outcome is known", Files.exists(otaDir().resolve("state.json")));
        try (var files = Files.list(otaDir())) {
            List<String> incoming = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("incoming")).toList();
            assertEquals("downloads removed", List.of(), incoming);
        }
    }

    @Test
    public void a_aFeatureIsInstalledAsOneSet() throws Exception {
        setUp();
        assertNull(find(DRIVER));
        JsonObject r = mqtt.request("feature/install", feature("f-inst", "", member(DRIVER, "driver-1.0.0.jar"), member(null, "transport-1.0.0.jar")));
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals("bbq", r.get("feature").getAsString());
        assertEquals("installed", field(result(r, DRIVER), "status"));
        assertEquals("installed", field(result(r, TRANSPORT), "status"));
        assertEquals("ACTIVE", field(result(r, TRANSPORT), "state"));
        assertEquals(Bundle.ACTIVE, find(DRIVER).getState());
        assertEquals(Bundle.ACTIVE, find(TRANSPORT).getState());
        assertEquals(List.of("fetching", "verified", "fetching", "verified", "installed", "installed", "checking", "healthy", "done"),
                steps("f-inst"));
        assertTrue("every event names the feature", events("f-inst").stream().allMatch(m -> "bbq".equals(field(m.json(), "feature"))));
        assertTrue(Files.isRegularFile(otaDir().resolve("bbq.feature.json")));
        assertNoLeftovers();
        // feature/list: the recorded set, each member as it is now
        JsonObject listed = mqtt.request("feature/list", "{}");
        assertTrue(listed.toString(), listed.get("ok").getAsBoolean());
        JsonObject bbq = listed.getAsJsonArray("features").get(0).getAsJsonObject();
        assertEquals(listed.toString(), "bbq", bbq.get("feature").getAsString());
        assertEquals(listed.toString(), 2, bbq.getAsJsonArray("bundles").size());
        for (var m : bbq.getAsJsonArray("bundles")) {
            JsonObject member = m.getAsJsonObject();
            assertEquals(member.toString(), "ACTIVE", member.get("state").getAsString());
            assertEquals(member.toString(), find(member.get("bundle").getAsString()).getVersion().toString(),
                    member.get("version").getAsString());
        }
        // the core records which bundle publishes fdev
        long driverId = find(DRIVER).getBundleId();
        DevicePublisher p = Poll.until("fdev's publisher", TIMEOUT, () -> withStatus(s -> s.publishers().stream()
                .filter(x -> x.device().equals(DEVICE)).findFirst().orElse(null)), x -> x != null);
        assertEquals(driverId, p.bundleId());
        assertEquals(DRIVER, p.symbolicName());
        assertEquals("1.0.0", p.version());
    }

    @Test
    public void b_hostileSetsAreRefusedAndNothingChanges() throws Exception {
        setUp();
        long driverModified = find(DRIVER).getLastModified();
        long transportModified = find(TRANSPORT).getLastModified();
        String driver2 = member(DRIVER, "driver-2.0.0.jar");
        StringBuilder seventeen = new StringBuilder();
        for (int i = 0; i < 17; i++) seventeen.append(i == 0 ? "" : ",").append("{\"url\":\"https://127.0.0.1:1/").append(i)
                .append(".jar\",\"sha256\":\"").append(String.format("%064x", i)).append("\"}");
        String[][] cases = {
                { feature("h-unsigned", "", driver2, member(TRANSPORT, "transport-5.0.0-unsigned.jar")), "bundles[1]: signature" },
                { feature("h-tampered", "", driver2, member(null, "transport-2.0.0-tampered.jar")), "bundles[1]: signature" },
                { feature("h-dup", "", driver2, member(null, "driver-2.0.1.jar")), "'" + DRIVER + "' is in the feature twice" },
                { feature("h-big", "", member(null, "driver-5.0.0-padded.jar"), member(null, "transport-5.0.0-padded.jar")),
                        "together are larger" },
                { "{\"id\":\"h-many\",\"feature\":\"bbq\",\"bundles\":[" + seventeen + "]}", "more than 16" },
                { feature("h-self", "", driver2, member(null, "management-9.0.0.jar")), "itself" },
                { feature("h-name", "", driver2, member(TRANSPORT, "extra-1.0.0.jar")), "symbolic name mismatch" },
                { feature("h-sha", "", driver2, member(TRANSPORT, "transport-2.0.0.jar").replaceAll("\"sha256\":\"[0-9a-f]+\"",
                        "\"sha256\":\"" + sha256(jar("transport-1.0.0.jar")) + "\"")), "SHA-256 mismatch" },
        };
        for (String[] c : cases) {
            JsonObject r = mqtt.request("feature/install", c[0]);
            assertFalse(r.toString(), r.get("ok").getAsBoolean());
            assertTrue(c[1] + " in " + r, r.get("error").getAsString().contains(c[1]));
            assertEquals(r.toString(), "1.0.0", version(DRIVER));
            assertEquals(r.toString(), "1.0.0", version(TRANSPORT));
            assertEquals(Bundle.ACTIVE, find(DRIVER).getState());
            assertEquals(Bundle.ACTIVE, find(TRANSPORT).getState());
            assertEquals("not touched: " + r, driverModified, find(DRIVER).getLastModified());
            assertEquals("not touched: " + r, transportModified, find(TRANSPORT).getLastModified());
            assertNull("the management look-alike was not installed", find(EXTRA));
            assertNoLeftovers();
        }
        JsonObject unsigned = mqtt.request("feature/install", feature("h-unsigned-2", "", driver2, member(TRANSPORT, "transport-5.0.0-unsigned.jar")));
        assertTrue(unsigned.get("error").getAsString().startsWith("refused, nothing was changed"));
        assertEquals("verified, then not applied", "not_applied", field(result(unsigned, DRIVER), "status"));
        assertEquals("refused", field(result(unsigned, TRANSPORT), "status"));
        assertTrue(steps("h-unsigned").contains("refused"));
        assertFalse("nothing was applied", steps("h-unsigned").contains("updating"));
    }

    @Test
    public void c_aFeatureUpdateGoesLiveAndItsDevicesAreCheckedWithoutAList() throws Exception {
        setUp();
        long driverId = find(DRIVER).getBundleId();
        JsonObject r = mqtt.request("feature/install", feature("f-upd", ",\"grace_s\":20", member(DRIVER, "driver-2.0.0.jar"),
                member(TRANSPORT, "transport-2.0.0.jar")));
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals("updated", field(result(r, DRIVER), "status"));
        assertEquals("1.0.0", field(result(r, DRIVER), "from_version"));
        assertEquals("2.0.0", field(result(r, DRIVER), "version"));
        assertEquals("updated", field(result(r, TRANSPORT), "status"));
        assertEquals("2.0.0", version(DRIVER));
        assertEquals("2.0.0", version(TRANSPORT));
        assertEquals("an update keeps the bundle id", driverId, find(DRIVER).getBundleId());
        assertEquals(List.of("fetching", "verified", "fetching", "verified", "updating", "updating", "checking", "healthy", "done"),
                steps("f-upd"));
        Msg checking = events("f-upd").stream().filter(m -> "checking".equals(field(m.json(), "step"))).findFirst().orElseThrow();
        assertEquals("the driver's device, found by the core, not named in the request", DEVICE, field(checking.json(), "devices"));
        assertNoLeftovers();
    }

    @Test
    public void d_aMemberThatThrowsOnActivationRollsBackTheWholeSet() throws Exception {
        setUp();
        JsonObject r = mqtt.request("feature/install", feature("f-throw", ",\"grace_s\":10", member(DRIVER, "driver-3.0.0.jar"),
                member(null, "extra-1.0.0.jar"), member(TRANSPORT, "transport-3.0.0-throws.jar")));
        assertFalse(r.toString(), r.get("ok").getAsBoolean());
        assertTrue(r.toString(), r.get("rolled_back").getAsBoolean());
        assertTrue(r.toString(), r.get("error").getAsString().contains("broken on purpose"));
        assertEquals("rolled_back", field(result(r, DRIVER), "status"));
        assertEquals("2.0.0", field(result(r, DRIVER), "version"));
        assertEquals("rolled_back", field(result(r, TRANSPORT), "status"));
        assertTrue(r.toString(), field(result(r, TRANSPORT), "reason").contains("broken on purpose"));
        assertEquals("uninstalled", field(result(r, EXTRA), "status"));
        assertEquals("2.0.0", version(DRIVER));
        assertEquals(Bundle.ACTIVE, find(DRIVER).getState());
        assertEquals("2.0.0", version(TRANSPORT));
        assertEquals(Bundle.ACTIVE, find(TRANSPORT).getState());
        assertNull("the new member is removed again", find(EXTRA));
        assertTrue(steps("f-throw").toString(), steps("f-throw").containsAll(List.of("updating", "installed", "rolling_back", "rolled_back")));
        // the previous driver is producing readings again
        long after = readings(DEVICE);
        Poll.until("fdev publishes again", TIMEOUT, () -> readings(DEVICE), n -> n > after);
        assertNoLeftovers();
    }

    @Test
    public void e_aDriverWhoseDeviceFallsSilentIsRolledBackWithoutADeviceList() throws Exception {
        setUp();
        JsonObject r = mqtt.request("feature/install", feature("f-silent", ",\"grace_s\":3", member(DRIVER, "driver-4.0.0-silent.jar"),
                member(TRANSPORT, "transport-4.0.0.jar")));
        assertFalse(r.toString(), r.get("ok").getAsBoolean());
        assertTrue(r.toString(), r.get("error").getAsString().contains("no new readings from [" + DEVICE + "]"));
        assertEquals("rolled_back", field(result(r, TRANSPORT), "status"));
        assertEquals("2.0.0", version(DRIVER));
        assertEquals("2.0.0", version(TRANSPORT));
        assertEquals(Bundle.ACTIVE, find(TRANSPORT).getState());
        // the same for a single bundle update: a set of one
        JsonObject one = mqtt.request("bundle/update", "{\"id\":\"b-silent\",\"bundle\":\"" + DRIVER + "\",\"grace_s\":3,"
                + member(null, "driver-4.0.0-silent.jar").substring(1));
        assertFalse(one.toString(), one.get("ok").getAsBoolean());
        assertTrue(one.toString(), one.get("error").getAsString().contains("no new readings from [" + DEVICE + "]"));
        assertTrue(one.toString(), one.get("rolled_back").getAsBoolean());
        assertEquals("2.0.0", one.get("version").getAsString());
        // an explicit empty list: no device is checked, the silent version stays (then goes back by hand)
        JsonObject none = mqtt.request("bundle/update", "{\"id\":\"b-none\",\"bundle\":\"" + DRIVER + "\",\"grace_s\":3,\"devices\":[],"
                + member(null, "driver-4.0.0-silent.jar").substring(1));
        assertTrue(none.toString(), none.get("ok").getAsBoolean());
        assertEquals("4.0.0", version(DRIVER));
        JsonObject back = mqtt.request("bundle/update", "{\"id\":\"b-back\",\"bundle\":\"" + DRIVER + "\",\"grace_s\":10,"
                + member(null, "driver-2.0.0.jar").substring(1));
        assertTrue(back.toString(), back.get("ok").getAsBoolean());
        assertEquals("2.0.0", version(DRIVER));
        assertNoLeftovers();
    }

    private void restartManagement() throws BundleException {
        Bundle m = find("dev.hearth.management");
        m.stop();
        m.start();
    }

    @Test
    public void f_aFeatureInterruptedByACrashIsRolledBackAtTheNextStart() throws Exception {
        setUp();
        // the state a gateway leaves when it dies during the health check of driver 3.0.0 + a broken transport 3.0.0
        Files.copy(jar("driver-2.0.0.jar"), otaDir().resolve(DRIVER + ".previous.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(jar("transport-2.0.0.jar"), otaDir().resolve(TRANSPORT + ".previous.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(otaDir().resolve("state.json"), "{\"op\":\"feature\",\"feature\":\"bbq\",\"step\":\"checking\","
                + "\"request\":\"crash-f\",\"grace_s\":3,\"devices\":[\"" + DEVICE + "\"],\"started\":\"2026-01-01T00:00:00Z\",\"bundles\":["
                + "{\"op\":\"update\",\"bundle\":\"" + DRIVER + "\",\"from_version\":\"2.0.0\",\"to_version\":\"3.0.0\",\"previous_jar\":\""
                + DRIVER + ".previous.jar\"},"
                + "{\"op\":\"update\",\"bundle\":\"" + TRANSPORT + "\",\"from_version\":\"2.0.0\",\"to_version\":\"3.0.0\",\"previous_jar\":\""
                + TRANSPORT + ".previous.jar\"}]}");
        try (InputStream in = Files.newInputStream(jar("driver-3.0.0.jar"))) {
            find(DRIVER).update(in);
        }
        try (InputStream in = Files.newInputStream(jar("transport-3.0.0-throws.jar"))) {
            find(TRANSPORT).update(in);
        } catch (BundleException expected) {
            // the activator throws: the new version is in, not running
        }
        assertEquals("3.0.0", version(DRIVER));
        assertEquals("3.0.0", version(TRANSPORT));
        restartManagement();
        Msg m = mqtt.await("recovery event", x -> x.topic().equals(ROOT + "events/ota") && x.payload().contains("\"decision\"")
                && x.payload().contains("crash-f"));
        JsonObject e = m.json();
        assertEquals(e.toString(), "check", e.get("decision").getAsString());
        assertEquals("bbq", e.get("feature").getAsString());
        assertTrue(e.toString(), e.get("outcome").getAsString().startsWith("rolled back: "));
        assertTrue(e.toString(), e.get("reason").getAsString().contains(TRANSPORT));
        JsonArray results = e.getAsJsonArray("results");
        assertEquals(2, results.size());
        assertEquals("2.0.0", version(DRIVER));
        assertEquals(Bundle.ACTIVE, find(DRIVER).getState());
        assertEquals("2.0.0", version(TRANSPORT));
        assertEquals(Bundle.ACTIVE, find(TRANSPORT).getState());
        assertFalse(Files.exists(otaDir().resolve("state.json")));
    }

    @Test
    public void g_aFeatureIsUninstalledAsASet() throws Exception {
        setUp();
        // a protected bundle in the list refuses the whole request
        JsonObject refused = mqtt.request("feature/uninstall", "{\"feature\":\"bbq\",\"bundles\":[\"" + DRIVER + "\",\"dev.hearth.management\"]}");
        assertFalse(refused.toString(), refused.get("ok").getAsBoolean());
        assertTrue(refused.toString(), refused.get("error").getAsString().startsWith("refused, nothing was changed"));
        assertNotNull(find(DRIVER));
        JsonObject r = mqtt.request("feature/uninstall", "{\"id\":\"f-rm\",\"feature\":\"bbq\"}");
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals("uninstalled", field(result(r, DRIVER), "status"));
        assertEquals("uninstalled", field(result(r, TRANSPORT), "status"));
        assertNull(find(DRIVER));
        assertNull(find(TRANSPORT));
        assertEquals(new ArrayList<>(List.of("uninstalled", "uninstalled")), steps("f-rm"));
        JsonObject again = mqtt.request("feature/uninstall", "{\"feature\":\"bbq\"}");
        assertFalse(again.get("ok").getAsBoolean());
        assertTrue(again.toString(), again.get("error").getAsString().contains("no feature 'bbq'"));
        JsonObject listed = mqtt.request("feature/list", "{}");
        assertTrue(listed.toString(), listed.get("ok").getAsBoolean());
        assertEquals(listed.toString(), 0, listed.getAsJsonArray("features").size());
        // damaged records on disk are listed with the reason, and the gateway keeps answering
        Files.writeString(otaDir().resolve("broken.feature.json"), "{\"feature\":\"broken\",\"bundles\":[");
        Files.writeString(otaDir().resolve("hostile.feature.json"), "{\"feature\":\"hostile\",\"bundles\":[\"../../etc\"]}");
        Files.writeString(otaDir().resolve("huge.feature.json"), "{\"feature\":\"huge\",\"bundles\":[\"" + "a".repeat(20_000) + "\"]}");
        JsonObject damaged = mqtt.request("feature/list", "{}");
        assertTrue(damaged.toString(), damaged.get("ok").getAsBoolean());
        assertEquals(damaged.toString(), 3, damaged.getAsJsonArray("features").size());
        for (var f : damaged.getAsJsonArray("features")) {
            JsonObject o = f.getAsJsonObject();
            assertTrue(o.toString(), o.has("error") && !o.has("bundles"));
            assertTrue(o.toString(), o.get("error").getAsString().contains("is unusable"));
        }
        for (String name : new String[] { "broken", "hostile", "huge" }) Files.delete(otaDir().resolve(name + ".feature.json"));
        mqtt.disconnect();
        broker.stop();
    }
}
