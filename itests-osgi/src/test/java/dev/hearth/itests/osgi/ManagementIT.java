package dev.hearth.itests.osgi;

import static dev.hearth.itests.osgi.Hearth.dict;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.google.gson.JsonObject;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;
import dev.hearth.api.command.DeviceCommands;
import dev.hearth.itests.osgi.ManagementTestClient.Msg;
import dev.hearth.testkit.Mosquitto;
import dev.hearth.testkit.RecordingSink;

/**
 * Remote management against a real Mosquitto, with a real MQTT client (the HiveMQ client exported
 * by mqtt-support), real Metatype, ConfigAdmin and FileInstall watching the configuration folder
 * management writes to. Methods run in name order; they share one broker and one management
 * connection, and the last one stops the bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ManagementIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ROOT = ManagementTestClient.ROOT;
    private static final String LOADGEN = "dev.hearth.driver.loadgen";
    private static final String SECRET_PID = "dev.hearth.itest.secret";

    private static Mosquitto broker;
    private static ManagementTestClient mqtt;
    private static final RecordingSink sink = new RecordingSink();

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        Path home = Files.createTempDirectory(Files.createDirectories(Paths.get(System.getProperty("hearth.itest.work",
                "target/paxexam")).toAbsolutePath()), "management-home-");
        Files.createDirectories(home.resolve("config"));
        return options(HearthOptions.base("management"),
                frameworkProperty("hearth.gateway.id").value("itest"),
                frameworkProperty("hearth.home").value(home.toString()),
                frameworkProperty("hearth.version").value("0.1.0-itest"),
                // FileInstall as the launcher sets it up (FrameworkSettings), polling faster
                frameworkProperty("felix.fileinstall.dir").value(home.resolve("config").toString()),
                frameworkProperty("felix.fileinstall.filter").value(".*\\.(cfg|config)"),
                frameworkProperty("felix.fileinstall.poll").value("200"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
                frameworkProperty("felix.fileinstall.tmpdir").value(home.resolve("tmp").toString()),
                HearthOptions.mqttClient(),
                bundle(HearthOptions.url("fileinstall")).startLevel(3),
                bundle(HearthOptions.url("hearth-signing")).startLevel(4), // OTA verifies with it
                bundle(HearthOptions.url("hearth-driver-loadgen")).startLevel(4),
                bundle(HearthOptions.url("hearth-management")).startLevel(5));
    }

    private Path configDir() {
        return Paths.get(context.getProperty("felix.fileinstall.dir"));
    }

    /** Once per container: broker, test client, a sink, a command service, a described secret PID, management configured. */
    private synchronized void setUp() throws Exception {
        if (broker != null) return;
        broker = new Mosquitto(HearthOptions.testDirectory("mosquitto"), null).start();
        mqtt = ManagementTestClient.connect("itest-client", broker.port(), TIMEOUT);

        context.registerService(ReadingSink.class, sink, dict(ReadingSink.ID, "rec"));
        context.registerService(DeviceCommands.class, new Lamp(), null);
        context.registerService(MetaTypeProvider.class, new SecretMetatype(), dict("metatype.pid", SECRET_PID));

        // Mosquitto here takes any credentials: the password is there to be masked
        configAdmin.getConfiguration("dev.hearth.management", "?").update(dict("host", "127.0.0.1",
                "port", String.valueOf(broker.port()), "username", "itest", "password", "hunter2"));
        Msg online = mqtt.await("retained status online", m -> m.topic().equals(ROOT + "management/status")
                && m.json().get("state").getAsString().equals("online"));
        assertEquals("0.1.0-itest", online.json().get("version").getAsString());
    }

    private String fileText(String name) throws IOException {
        Path f = configDir().resolve(name);
        return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : null;
    }

    private Map<String, Object> configuration(String pid) throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        if (found == null) return null;
        Map<String, Object> out = new java.util.TreeMap<>();
        var d = found[0].getProperties();
        for (var keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            out.put(k, d.get(k));
        }
        return out;
    }

    @Test
    public void a_statusIsRetainedWithVersionAndUptime() throws Exception {
        setUp();
        JsonObject s = mqtt.request("status", "");
        assertTrue(s.toString(), s.get("ok").getAsBoolean());
        assertEquals("online", s.get("state").getAsString());
        assertEquals("itest", s.get("gateway").getAsString());
        assertTrue(s.has("uptime_s") && s.has("started"));
        // a new subscriber gets it from the broker: retained
        Mqtt5AsyncClient late = Mqtt5Client.builder().identifier("itest-late").serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
        CompletableFuture<String> got = new CompletableFuture<>();
        late.publishes(MqttGlobalPublishFilter.ALL, p -> got.complete(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        late.connect().get(10, TimeUnit.SECONDS);
        late.subscribeWith().topicFilter(ROOT + "management/status").send().get(10, TimeUnit.SECONDS);
        assertTrue(got.get(10, TimeUnit.SECONDS).contains("\"online\""));
        late.disconnect().get(10, TimeUnit.SECONDS);
    }

    @Test
    public void b_aFactoryInstanceIsCreatedOverMqtt_appliedLive_andWrittenToItsFile() throws Exception {
        setUp();
        JsonObject r = mqtt.request("config/set", "{\"id\":\"set-1\",\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"mgmt\","
                + "\"properties\":{\"device\":\"mq\",\"rate_per_second\":200,\"batch_size\":5}}");
        assertTrue(r.toString(), r.get("ok").getAsBoolean());
        assertEquals("set-1", r.get("id").getAsString());
        JsonObject result = r.getAsJsonArray("results").get(0).getAsJsonObject();
        assertEquals("created", result.get("status").getAsString());
        assertEquals(LOADGEN + "~mgmt", result.get("pid").getAsString());

        // applied before the answer: ConfigAdmin holds it, the file is there
        Map<String, Object> cfg = configuration(LOADGEN + "~mgmt");
        assertEquals("mq", cfg.get("device"));
        assertEquals("200", cfg.get("rate_per_second"));
        String file = fileText(LOADGEN + "-mgmt.cfg");
        assertNotNull("written to config/", file);
        assertTrue(file, file.contains("device = mq") && file.contains("batch_size = 5"));
        // and live: the generator runs with it
        Poll.until("readings from device 'mq'", TIMEOUT, sink::delivered, d -> d.stream().filter(x -> x.device().equals("mq")).count() >= 20);
        Msg event = mqtt.await("config event", m -> m.topic().equals(ROOT + "events/config") && m.payload().contains("~mgmt"));
        assertEquals("created", event.json().get("action").getAsString());
        assertEquals("set-1", event.json().get("request").getAsString());

        // FileInstall reads the file management wrote and finds nothing to change: no second update
        long changes = changeCount(LOADGEN + "~mgmt");
        Thread.sleep(1500); // more than 5 FileInstall polls: an absence cannot be polled for
        assertEquals("FileInstall did not apply the file again", changes, changeCount(LOADGEN + "~mgmt"));

        // the file is FileInstall's from now on: a hand edit reaches the same configuration (no second instance)
        Files.writeString(configDir().resolve(LOADGEN + "-mgmt.cfg"), file.replace("device = mq", "device = hand"));
        Poll.until("hand edit applied", TIMEOUT, () -> {
            try {
                return configuration(LOADGEN + "~mgmt").get("device");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "hand"::equals);
        assertEquals(1, configAdmin.listConfigurations("(service.factoryPid=" + LOADGEN + ")").length);
    }

    private long changeCount(String pid) throws Exception {
        return configAdmin.listConfigurations("(service.pid=" + pid + ")")[0].getChangeCount();
    }

    @Test
    public void c_aTwoPartRequestWithABadSecondPartChangesNothing() throws Exception {
        setUp();
        mqtt.request("config/set", "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"pair\",\"properties\":{\"device\":\"p1\",\"rate_per_second\":1}}");
        Map<String, Object> before = configuration(LOADGEN + "~pair");
        String fileBefore = fileText(LOADGEN + "-pair.cfg");
        JsonObject r = mqtt.request("config/set", "{\"changes\":["
                + "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"pair\",\"properties\":{\"device\":\"changed\"}},"
                + "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"second\",\"properties\":{\"batch_size\":0}}]}");
        assertFalse(r.toString(), r.get("ok").getAsBoolean());
        assertTrue(r.toString(), r.get("error").getAsString().startsWith("refused, nothing was changed"));
        assertEquals("not_applied", r.getAsJsonArray("results").get(0).getAsJsonObject().get("status").getAsString());
        JsonObject second = r.getAsJsonArray("results").get(1).getAsJsonObject();
        assertEquals("refused", second.get("status").getAsString());
        assertTrue(second.toString(), second.toString().contains("'batch_size' = '0': less than minimum"));
        assertEquals(before, configuration(LOADGEN + "~pair"));
        assertEquals(fileBefore, fileText(LOADGEN + "-pair.cfg"));
        assertNull(configuration(LOADGEN + "~second"));
        assertNull(fileText(LOADGEN + "-second.cfg"));

        // deleting over MQTT removes configuration and file
        JsonObject d = mqtt.request("config/delete", "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"pair\"}");
        assertTrue(d.toString(), d.get("ok").getAsBoolean());
        assertNull(configuration(LOADGEN + "~pair"));
        assertNull(fileText(LOADGEN + "-pair.cfg"));
    }

    @Test
    public void d_hostileRequestsGetClearErrorsAndTheWorkerGoesOn() throws Exception {
        setUp();
        assertError(mqtt.request("config/set", "{\"pid\": "), "malformed JSON");
        assertError(mqtt.request("config/set", "[1]"), "must be a JSON object");
        assertError(mqtt.request("config/get", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"), "malformed JSON");
        assertError(mqtt.requestBytes("status", new byte[70 * 1024]), "larger than the limit");
        assertError(mqtt.request("config/reformat", "{}"), "unknown operation");
        assertError(mqtt.request("config/get", "{\"pid\":\"dev.hearth.nothing\"}"), "no component describes PID 'dev.hearth.nothing'");
        assertError(mqtt.request("config/set", "{\"pid\":\"dev.hearth.nothing\",\"properties\":{\"a\":1}}"), "no component describes");
        assertError(mqtt.request("config/set", "{\"factory_pid\":\"" + LOADGEN + "\",\"properties\":{\"device\":\"x\"}}"), "needs a name");
        assertError(mqtt.request("config/set", "{\"pid\":\"" + LOADGEN + "\",\"properties\":{\"device\":\"x\"}}"), "is a factory PID");
        assertError(mqtt.request("config/set", "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"t\",\"properties\":{\"rate_per_second\":\"fast\"}}"),
                "expected an integer");
        assertError(mqtt.request("config/set", "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"t\",\"properties\":{\"colour\":\"red\"}}"),
                "'colour' is not a property");
        assertError(mqtt.request("config/set", "{\"factory_pid\":\"" + LOADGEN + "\",\"name\":\"t\",\"properties\":{\"device\":{\"a\":1}}}"),
                "an object is not a configuration value");
        assertError(mqtt.request("config/set", "{\"pid\":7}"), "'pid' must be a string");
        assertError(mqtt.request("config/set", "{\"pid\":\"dev.hearth.management\",\"properties\":{\"port\":1}}"), "not changed over MQTT");
        assertNull("nothing was created", configuration(LOADGEN + "~t"));
        // still answering
        assertTrue(mqtt.request("status", "{}").get("ok").getAsBoolean());
    }

    private static void assertError(JsonObject response, String expected) {
        assertFalse(response.toString(), response.get("ok").getAsBoolean());
        assertTrue("expected '" + expected + "' in " + response, response.toString().contains(expected));
    }

    @Test
    public void e_secretsAreMaskedAndAMaskKeepsThem() throws Exception {
        setUp();
        JsonObject own = mqtt.request("config/get", "{\"pid\":\"dev.hearth.management\"}");
        assertTrue(own.toString(), own.get("ok").getAsBoolean());
        JsonObject props = own.getAsJsonArray("results").get(0).getAsJsonObject().getAsJsonObject("properties");
        assertEquals("****", props.get("password").getAsString());
        assertEquals("itest", props.get("username").getAsString());
        assertFalse(own.toString().contains("hunter2"));

        JsonObject set = mqtt.request("config/set", "{\"pid\":\"" + SECRET_PID + "\",\"properties\":{\"label\":\"a\",\"pin\":\"s3cret-pin\"}}");
        assertTrue(set.toString(), set.get("ok").getAsBoolean());
        assertFalse(set.toString().contains("s3cret-pin"));
        JsonObject keep = mqtt.request("config/set", "{\"pid\":\"" + SECRET_PID + "\",\"properties\":{\"label\":\"b\",\"pin\":\"****\"}}");
        assertTrue(keep.toString(), keep.get("ok").getAsBoolean());
        assertEquals("s3cret-pin", configuration(SECRET_PID).get("pin"));
        assertEquals("b", configuration(SECRET_PID).get("label"));
        assertTrue(mqtt.received().stream().filter(m -> m.topic().startsWith(ROOT + "events/")).noneMatch(m -> m.payload().contains("s3cret")));
        JsonObject tooShort = mqtt.request("config/set", "{\"pid\":\"" + SECRET_PID + "\",\"properties\":{\"pin\":\"abc\"}}");
        assertError(tooShort, "less than minimum");
        assertFalse(tooShort.toString().contains("abc\""));
    }

    @Test
    public void f_deviceCommandsAreValidatedAndRun() throws Exception {
        setUp();
        JsonObject list = mqtt.request("command/list", "{}");
        assertTrue(list.toString(), list.toString().contains("\"device\":\"lamp\"") && list.toString().contains("\"switch\""));
        JsonObject on = mqtt.request("command/run", "{\"id\":\"c1\",\"device\":\"lamp\",\"command\":\"switch\",\"args\":{\"state\":\"ON\"}}");
        assertTrue(on.toString(), on.get("ok").getAsBoolean());
        assertEquals("lamp is on", on.get("result").getAsString());
        assertError(mqtt.request("command/run", "{\"device\":\"lamp\",\"command\":\"switch\",\"args\":{\"state\":\"dim\"}}"),
                "argument 'state' = 'dim': expected one of [on, off]");
        assertError(mqtt.request("command/run", "{\"device\":\"lamp\",\"command\":\"switch\",\"args\":{\"volume\":\"11\"}}"), "has no argument 'volume'");
        assertError(mqtt.request("command/run", "{\"device\":\"toaster\",\"command\":\"switch\"}"), "no device 'toaster'");
        assertError(mqtt.request("command/run", "{\"device\":\"lamp\",\"command\":\"explode\"}"), "has no command 'explode'");
        assertError(mqtt.request("command/run", "{\"device\":\"lamp\",\"command\":\"fail\"}"), "fail failed: bulb burnt out");
        Msg event = mqtt.await("command event", m -> m.topic().equals(ROOT + "events/command") && m.payload().contains("\"c1\""));
        assertTrue(event.payload(), event.json().get("ok").getAsBoolean());
    }

    @Test
    public void g_mqtt311ClientsNameTheirReplyTopicOrReadTheFixedOne() throws Exception {
        setUp();
        Mqtt3AsyncClient v3 = Mqtt3Client.builder().identifier("itest-v3").serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
        v3.connect().get(10, TimeUnit.SECONDS);
        v3.publishWith().topic(ROOT + "req/status").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"id\":\"v3-1\",\"reply_to\":\"itest/v3/replies\",\"correlation\":\"abc\"}".getBytes(StandardCharsets.UTF_8))
                .send().get(10, TimeUnit.SECONDS);
        Msg named = mqtt.await("reply on reply_to", m -> m.topic().equals("itest/v3/replies"));
        assertEquals("abc", named.json().get("correlation").getAsString());
        assertEquals("v3-1", named.json().get("id").getAsString());
        v3.publishWith().topic(ROOT + "req/config/get").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"id\":\"v3-2\",\"pid\":\"dev.hearth.nothing\"}".getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
        Msg fixed = mqtt.await("reply on res/<id>", m -> m.topic().equals(ROOT + "res/v3-2"));
        assertFalse(fixed.json().get("ok").getAsBoolean());
        // a reply topic that would make the gateway publish a request to itself is not used
        v3.publishWith().topic(ROOT + "req/status").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"id\":\"v3-3\",\"reply_to\":\"hearth/itest/req/config/delete\"}".getBytes(StandardCharsets.UTF_8))
                .send().get(10, TimeUnit.SECONDS);
        Msg redirected = mqtt.await("reply on res/<id> instead", m -> m.topic().equals(ROOT + "res/v3-3"));
        assertTrue(redirected.payload(), redirected.json().get("reply_error").getAsString().contains("own request"));
        v3.disconnect().get(10, TimeUnit.SECONDS);
    }

    @Test
    public void h_oneWorkerWithABoundedQueue_moreAreRefusedAsBusy() throws Exception {
        setUp();
        Lamp.started = new java.util.concurrent.CountDownLatch(1);
        Lamp.release = new CompletableFuture<>();
        mqtt.client().publishWith().topic(ROOT + "req/command/run").qos(MqttQos.AT_LEAST_ONCE).responseTopic("itest/busy/slow")
                .payload("{\"device\":\"lamp\",\"command\":\"slow\"}".getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
        assertTrue("the worker took the slow command", Lamp.started.await(10, TimeUnit.SECONDS));
        int sent = 20; // the queue holds 16 (queue_size)
        for (int i = 0; i < sent; i++) {
            mqtt.client().publishWith().topic(ROOT + "req/status").qos(MqttQos.AT_LEAST_ONCE).responseTopic("itest/busy/" + i)
                    .payload(new byte[0]).send().get(10, TimeUnit.SECONDS);
        }
        Poll.until("4 refused as busy while the worker is blocked", TIMEOUT,
                () -> mqtt.received().stream().filter(m -> m.topic().startsWith("itest/busy/") && m.payload().contains("busy")).count(), n -> n == 4);
        assertTrue("nothing but the refusals answered yet",
                mqtt.received().stream().filter(m -> m.topic().startsWith("itest/busy/")).allMatch(m -> m.payload().contains("busy")));
        Lamp.release.complete("slow done");
        List<Msg> answers = Poll.until("every request answered", TIMEOUT,
                () -> mqtt.received().stream().filter(m -> m.topic().startsWith("itest/busy/")).toList(), l -> l.size() == sent + 1);
        assertEquals(16, answers.stream().filter(m -> m.json().get("ok").getAsBoolean() && m.topic().matches("itest/busy/\\d+")).count());
        assertTrue(answers.stream().anyMatch(m -> m.topic().equals("itest/busy/slow") && m.payload().contains("slow done")));
    }

    @Test
    public void y_aLostConnectionLeavesTheLastWill() throws Exception {
        setUp();
        try (TcpProxy proxy = new TcpProxy(broker.port())) {
            mqtt.received().clear();
            // reconfigured: DS restarts the component, now connecting through the proxy
            configAdmin.getConfiguration("dev.hearth.management", "?").update(dict("host", "127.0.0.1",
                    "port", String.valueOf(proxy.port()), "username", "itest", "password", "hunter2"));
            Poll.until("connected through the proxy", TIMEOUT, proxy::connections, n -> n >= 1);
            mqtt.await("online again", m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("online"));
            mqtt.received().clear();
            proxy.cut(); // the connection dies without a DISCONNECT: the broker publishes the will
            Msg will = mqtt.await("the last will", m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("offline"));
            assertEquals("offline", will.json().get("state").getAsString());
        }
        // back to the broker directly for the last test
        mqtt.received().clear();
        configAdmin.getConfiguration("dev.hearth.management", "?").update(dict("host", "127.0.0.1",
                "port", String.valueOf(broker.port()), "username", "itest", "password", "hunter2"));
        mqtt.await("online again", m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("online"));
    }

    /** Forwards TCP to the broker; {@link #cut()} closes every connection abruptly and stops accepting. */
    static final class TcpProxy implements AutoCloseable {
        private final java.net.ServerSocket server;
        private final List<java.net.Socket> sockets = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

        TcpProxy(int target) throws IOException {
            server = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket in = server.accept();
                        java.net.Socket out = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                        sockets.add(in);
                        sockets.add(out);
                        connections.incrementAndGet();
                        pump(in, out);
                        pump(out, in);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "itest-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pump(java.net.Socket from, java.net.Socket to) {
            Thread t = new Thread(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException e) {
                    // cut
                }
                try {
                    to.close();
                } catch (IOException e) {
                    // already
                }
            }, "itest-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        void cut() throws IOException {
            server.close();
            for (java.net.Socket s : sockets) s.close();
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }

    @Test
    public void z_stoppingSaysOfflineRetained() throws Exception {
        setUp();
        Bundle management = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals("dev.hearth.management")).findFirst().orElseThrow();
        mqtt.received().clear();
        management.stop();
        Msg offline = mqtt.await("status offline", m -> m.topic().equals(ROOT + "management/status") && m.payload().contains("offline"));
        assertEquals("offline", offline.json().get("state").getAsString());
        mqtt.disconnect();
        broker.close();
    }

    /** A device that takes commands, as a driver would offer it. */
    static final class Lamp implements DeviceCommands {
        @Override
        public Set<String> devices() {
            return Set.of("lamp");
        }

        @Override
        public List<CommandSpec> commands(String device) {
            return List.of(CommandSpec.of("switch", "on or off", ArgumentSpec.choice("state", true, "on|off", "on", "off")),
                    CommandSpec.of("fail", "always fails"), CommandSpec.of("slow", "answers when the test says so"));
        }

        static volatile java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        static volatile CompletableFuture<String> release = CompletableFuture.completedFuture("done");

        @Override
        public CompletionStage<String> execute(String device, String command, Map<String, String> args) {
            if (command.equals("slow")) {
                started.countDown();
                return release;
            }
            if (command.equals("fail")) return CompletableFuture.failedFuture(new IllegalStateException("bulb burnt out"));
            return CompletableFuture.completedFuture("lamp is " + args.get("state"));
        }
    }

    /** Metatype for a test PID with a PASSWORD attribute (pin, 6 to 32 characters) and a label. */
    static final class SecretMetatype implements MetaTypeProvider {
        @Override
        public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
            if (!SECRET_PID.equals(id)) return null;
            AttributeDefinition label = new Ad("label", AttributeDefinition.STRING, null, null);
            AttributeDefinition pin = new Ad("pin", AttributeDefinition.PASSWORD, 6, 32);
            return new ObjectClassDefinition() {
                @Override
                public String getName() {
                    return "Itest secret";
                }

                @Override
                public String getID() {
                    return SECRET_PID;
                }

                @Override
                public String getDescription() {
                    return "";
                }

                @Override
                public AttributeDefinition[] getAttributeDefinitions(int filter) {
                    return filter == OPTIONAL ? new AttributeDefinition[0] : new AttributeDefinition[] { label, pin };
                }

                @Override
                public InputStream getIcon(int size) {
                    return null;
                }
            };
        }

        @Override
        public String[] getLocales() {
            return null;
        }
    }

    record Ad(String id, int type, Integer minLength, Integer maxLength) implements AttributeDefinition {
        @Override
        public String getName() {
            return id;
        }

        @Override
        public String getID() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public int getCardinality() {
            return 0;
        }

        @Override
        public int getType() {
            return type;
        }

        @Override
        public String[] getOptionValues() {
            return null;
        }

        @Override
        public String[] getOptionLabels() {
            return null;
        }

        @Override
        public String validate(String value) {
            if (minLength != null && value.length() < minLength) return "less than minimum length " + minLength;
            if (maxLength != null && value.length() > maxLength) return "greater than maximum length " + maxLength;
            return "";
        }

        @Override
        public String[] getDefaultValue() {
            return new String[] { "" };
        }
    }
}
