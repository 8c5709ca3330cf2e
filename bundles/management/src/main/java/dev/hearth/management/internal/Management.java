package dev.hearth.management.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import dev.hearth.api.command.DeviceCommands;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.mqtt.BrokerSettings;

/**
 * Remote management over MQTT, active only when {@code dev.hearth.management} is configured. Requests
 * arrive on {@code hearth/<gateway>/req/<op>} and are run one at a time by a single worker thread
 * behind a bounded queue (more are refused as busy); each is answered after it is done, on the
 * MQTT 5 response topic with its correlation data, else on the request's {@code reply_to}, else on
 * {@code hearth/<gateway>/res/<request id>}. A retained status with a last will sits on
 * {@code hearth/<gateway>/management/status}; changes are announced on {@code .../events/<kind>}.
 */
@Component(configurationPid = "dev.hearth.management", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ManagementConfig.class)
public final class Management {

    private static final Logger LOG = LoggerFactory.getLogger(Management.class);
    static final String GATEWAY_PROPERTY = "hearth.gateway.id";
    private static final Pattern GATEWAY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final List<DeviceCommands> commands = new CopyOnWriteArrayList<>();
    private final String gateway;
    private final String root;
    private final String statusTopic;
    private final String version;
    private final Instant started = Instant.now();
    private final int maxRequestBytes;
    private final ThreadPoolExecutor worker;
    private final Handler handler;
    private final MqttLink link;
    private final Ota ota;
    private volatile ServiceComponentRuntime scr;
    private volatile GatewayStatus gatewayStatus;
    private final ScheduledFuture<?> statusRefresh;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    @Activate
    public Management(ManagementConfig c, BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference MetaTypeService metatype,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler) {
        String configured = c.gateway__id() == null ? "" : c.gateway__id().trim();
        String property = context.getProperty(GATEWAY_PROPERTY);
        gateway = !configured.isEmpty() ? configured : property != null && !property.isBlank() ? property.trim() : "hearth";
        if (!GATEWAY.matcher(gateway).matches()) {
            throw new IllegalArgumentException("gateway_id '" + gateway + "' must be 1 to 64 letters, digits, '.', '_' or '-' (it is a topic level)");
        }
        root = "hearth/" + gateway + "/";
        statusTopic = root + "management/status";
        String v = context.getProperty("hearth.version");
        version = v != null ? v : context.getBundle().getVersion().toString();
        maxRequestBytes = c.max__request__kib() * 1024;
        BrokerSettings settings = BrokerSettings.builder()
                .host(c.host()).port(c.port()).version(c.version())
                .clientId(c.client__id(), "hearth-" + gateway + "-management")
                .username(c.username()).password(c.password(), c._password(), c.password__file())
                .tls(c.tls(), c.ca__file(), c.tls__sha256())
                .clientCertificate(c.client__cert__file(), c.client__key__file())
                .reconnectMaxSeconds(c.reconnect__max__s())
                .build();
        Path configDir = configDir(c.config__dir(), context.getProperty("hearth.home"));
        if (configDir == null) LOG.warn("management: no configuration folder (config_dir, hearth.home): changes are not written to files");

        ConfigAdminStore store = new ConfigAdminStore(configAdmin);
        OsgiCatalog catalog = new OsgiCatalog(context, store, metatype);
        ConfigEditor editor = new ConfigEditor(store, catalog::metatype, configDir);
        String home = context.getProperty("hearth.home");
        String data = context.getProperty("hearth.data");
        Path otaDir = (data != null && !data.isBlank() ? Path.of(data.trim()) : Path.of(home != null ? home : ".", "data"))
                .resolve("ota").toAbsolutePath();
        Path keys = c.ota__trusted__keys() != null && !c.ota__trusted__keys().isBlank() ? Path.of(c.ota__trusted__keys().trim())
                : Path.of(home != null ? home : ".", "config", "trusted-keys").toAbsolutePath();
        long otaMax = c.ota__max__kib() * 1024L;
        ota = new Ota(context, otaDir, keys, new Download(otaMax, Duration.ofSeconds(c.ota__connect__timeout__s()),
                Duration.ofSeconds(c.ota__read__timeout__s()), c.ota__max__redirects(), c.ota__allow__http()),
                otaMax, c.ota__grace__s(), this::event, () -> scr, () -> gatewayStatus);
        handler = new Handler(catalog, editor, () -> List.copyOf(commands), this::event, this::status, c.command__timeout__s(), ota);
        worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(c.queue__size()), r -> {
            Thread t = new Thread(r, "hearth-management");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        link = new MqttLink(settings, root, statusTopic, json(statusJson("offline")), Math.max(1 << 20, 4 * maxRequestBytes),
                this::received, this::publishStatus);
        link.start();
        // an OTA the gateway died in: finished or undone first, on the worker, once the line is up to report it
        worker.execute(() -> {
            for (int i = 0; i < 40 && !link.connected() && !Thread.currentThread().isInterrupted(); i++) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try {
                ota.recover();
            } catch (RuntimeException e) {
                LOG.warn("management: OTA recovery failed", e);
            }
        });
        statusRefresh = scheduler.scheduleAtFixedRate(() -> {
            if (link.connected()) publishStatus();
        }, c.status__interval__s(), c.status__interval__s(), TimeUnit.SECONDS);
        LOG.info("management: gateway '{}', broker {} (MQTT {}), configuration folder {}", gateway, settings.broker(),
                settings.versionName(), configDir);
    }

    static Path configDir(String configured, String home) {
        if (configured != null && !configured.isBlank()) return Path.of(configured.trim()).toAbsolutePath();
        if (home != null && !home.isBlank()) return Path.of(home.trim(), "config").toAbsolutePath();
        return null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCommands(DeviceCommands service) {
        commands.add(service);
    }

    void removeCommands(DeviceCommands service) {
        commands.remove(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setScr(ServiceComponentRuntime s) {
        scr = s;
    }

    void unsetScr(ServiceComponentRuntime s) {
        if (scr == s) scr = null;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setGatewayStatus(GatewayStatus s) {
        gatewayStatus = s;
    }

    void unsetGatewayStatus(GatewayStatus s) {
        if (gatewayStatus == s) gatewayStatus = null;
    }

    @Deactivate
    void close() {
        statusRefresh.cancel(false);
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close(statusTopic, json(statusJson("offline")));
    }

    /** On the client's thread: queue for the worker, or refuse as busy at once. */
    private void received(MqttLink.Incoming in) {
        try {
            worker.execute(() -> process(in));
        } catch (RejectedExecutionException e) {
            refused.incrementAndGet();
            JsonObject out = Handler.error("busy: " + worker.getQueue().size() + " requests are waiting; try again later");
            respond(in, null, out);
        }
    }

    /** On the worker: parse, run, answer. Nothing thrown here stops the worker. */
    void process(MqttLink.Incoming in) {
        requests.incrementAndGet();
        Request request = null;
        JsonObject out;
        try {
            request = Request.parse(in.op(), in.payload(), maxRequestBytes);
            out = handler.handle(request);
        } catch (Request.Refused e) {
            out = Handler.error(e.getMessage());
            if (e.id != null) out.addProperty("id", e.id);
            if (e.correlation != null) out.addProperty("correlation", e.correlation);
            respond(in, new Request(in.op(), e.id, e.replyTo, e.correlation, new JsonObject()), out);
            refused.incrementAndGet();
            return;
        } catch (RuntimeException e) {
            LOG.warn("management: request {} failed", in.op(), e);
            out = Handler.error("internal error: " + e);
        }
        if (!out.get("ok").getAsBoolean()) refused.incrementAndGet();
        respond(in, request, out);
    }

    private void respond(MqttLink.Incoming in, Request r, JsonObject body) {
        JsonObject out = new JsonObject();
        out.addProperty("op", in.op().length() > 64 ? in.op().substring(0, 64) : in.op());
        if (r != null && r.id() != null) out.addProperty("id", r.id());
        if (r != null && r.correlation() != null) out.addProperty("correlation", r.correlation());
        body.entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        String topic = null;
        String why = null;
        if (in.responseTopic() != null) {
            why = replyProblem(in.responseTopic());
            if (why == null) topic = in.responseTopic();
        } else if (r != null && r.replyTo() != null) {
            why = replyProblem(r.replyTo());
            if (why == null) topic = r.replyTo();
        }
        if (topic == null) {
            topic = root + "res/" + (r != null && r.id() != null ? r.id() : "none");
            if (why != null) out.addProperty("reply_error", why);
        }
        byte[] payload = json(out);
        String t = topic;
        link.publish(topic, payload, false, in.responseTopic() != null && t.equals(in.responseTopic()) ? in.correlationData() : null)
                .whenComplete((x, error) -> {
                    if (error != null) LOG.warn("management: response to {} not sent: {}", t, error.toString());
                });
    }

    /**
     * Why the gateway will not answer on {@code topic}, or null. Not wildcards, not system topics,
     * and not its own request, status or event topics: a request must not make the gateway publish
     * a request to itself, or overwrite its status.
     */
    String replyProblem(String topic) {
        if (topic.isEmpty() || topic.length() > 256) return "the reply topic is empty or longer than 256 characters";
        if (topic.contains("+") || topic.contains("#") || topic.indexOf('\0') >= 0) return "the reply topic contains a wildcard";
        if (topic.startsWith("$")) return "the reply topic is a system topic";
        if (topic.startsWith(root + "req/") || topic.startsWith(root + "events/") || topic.startsWith(root + "management/")) {
            return "the reply topic is one of the gateway's own request, event or status topics";
        }
        return null;
    }

    private void event(String kind, JsonObject event) {
        event.addProperty("time", Instant.now().toString());
        event.addProperty("gateway", gateway);
        link.publish(root + "events/" + kind, json(event), false, null).whenComplete((x, error) -> {
            if (error != null) LOG.warn("management: event {} not sent: {}", kind, error.toString());
        });
    }

    private JsonObject statusJson(String state) {
        JsonObject s = new JsonObject();
        s.addProperty("state", state);
        s.addProperty("gateway", gateway);
        s.addProperty("version", version);
        if (state.equals("online")) {
            s.addProperty("started", started.toString());
            s.addProperty("uptime_s", java.time.Duration.between(started, Instant.now()).toSeconds());
            s.addProperty("requests", requests.get());
            s.addProperty("refused", refused.get());
            s.addProperty("devices_with_commands", commands.stream().mapToInt(d -> d.devices().size()).sum());
        }
        return s;
    }

    JsonObject status() {
        return statusJson("online");
    }

    private void publishStatus() {
        link.publish(statusTopic, json(status()), true, null).whenComplete((x, error) -> {
            if (error != null) LOG.debug("management: status not sent: {}", error.toString());
        });
    }

    private static byte[] json(JsonObject o) {
        return GSON.toJson(o).getBytes(StandardCharsets.UTF_8);
    }
}
