package dev.hearth.driver.kasa.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;
import dev.hearth.api.StatusLogPolicy;
import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;
import dev.hearth.api.command.DeviceCommands;
import dev.hearth.api.command.OneDeviceCommands;

/**
 * Polls one Kasa plug or power strip on the gateway's shared scheduler and publishes its relay
 * state and energy meter. Each poll is a few blocking requests, each bounded by {@code timeout_ms}
 * for the connection and again for the reply, and a poll stops at its first failure; so one poll
 * holds a scheduler thread for at most about twice the timeout, plus once more for the KLAP probe.
 *
 * <p>Also offers relay control ({@link #execute}) as a {@link DeviceCommands} service.
 */
// immediate: a component that provides a service is otherwise delayed until someone asks for it, and would never poll
@Component(configurationPid = KasaDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = DeviceCommands.class, immediate = true)
@Designate(ocd = KasaDriverConfig.class, factory = true)
public final class KasaDriver implements OneDeviceCommands {

    static final String PID = "dev.hearth.driver.kasa";
    static final String MEASUREMENT = "power";
    /** The longest wait between polls of a plug that does not answer. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** A KLAP-only plug will not change its mind soon; asking again every half hour notices a firmware downgrade or a replaced plug. */
    static final Duration KLAP_RECHECK = Duration.ofMinutes(30);
    static final String KLAP_MESSAGE = "speaks only KLAP (newer firmware); the legacy local protocol is disabled on it";
    private static final Logger LOG = LoggerFactory.getLogger(KasaDriver.class);

    private final KasaDriverConfig config;
    private final String configuredDevice;
    private final List<String> outletSelectors;
    private final Duration timeout;
    private final long intervalMillis;
    private final ReadingPublisher publisher;
    private final DeviceStatusReporter status;
    private final ScheduledExecutorService scheduler;
    /** Serialises polls and commands: a plug serves one connection at a time. */
    private final Object plugLock = new Object();

    private volatile boolean closed;
    private volatile String device;
    /** Null while a discovered plug's address is unknown. */
    private volatile KasaClient client;
    private volatile KasaSysinfo lastSysinfo;
    private ScheduledFuture<?> next;
    private volatile long nextDelayMillis;
    private int consecutiveFailures;
    private final StatusLogPolicy logPolicy = new StatusLogPolicy();
    private final AtomicLong malformedReplies = new AtomicLong();
    private final AtomicLong refusedRequests = new AtomicLong();
    private final AtomicLong klapProbes = new AtomicLong();

    @Activate
    public KasaDriver(KasaDriverConfig config,
            @Reference ReadingPublisher publisher,
            @Reference DeviceStatusReporter status,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler) {
        this.config = config;
        this.publisher = publisher;
        this.status = status;
        this.scheduler = scheduler;
        // fail activation with the reason rather than fail every poll later
        if (config.interval__seconds() < 1) {
            throw new IllegalArgumentException("interval_seconds must be at least 1, is " + config.interval__seconds());
        }
        if (config.timeout__ms() < 100 || config.timeout__ms() > 60_000) {
            throw new IllegalArgumentException("timeout_ms must be within 100..60000, is " + config.timeout__ms());
        }
        if (config.port() < 1 || config.port() > 65535) throw new IllegalArgumentException("port must be within 1..65535, is " + config.port());
        if (config.klap__port() < 1 || config.klap__port() > 65535) {
            throw new IllegalArgumentException("klap_port must be within 1..65535, is " + config.klap__port());
        }
        String host = config.host().trim();
        if (host.isEmpty() && config.discover().isBlank()) {
            throw new IllegalArgumentException("host is required unless discover names the plug (alias, deviceId or MAC) to find");
        }
        this.timeout = Duration.ofMillis(config.timeout__ms());
        this.intervalMillis = config.interval__seconds() * 1000L;
        this.configuredDevice = config.device().trim();
        if (!configuredDevice.isEmpty()) Reading.of(configuredDevice, MEASUREMENT).field("relay", false).build();
        this.outletSelectors = Arrays.stream(config.outlets()).map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.device = configuredDevice.isEmpty() ? "kasa-" + sanitise(host.isEmpty() ? config.discover() : host) : configuredDevice;
        this.client = host.isEmpty() ? null : new KasaClient(host, config.port(), timeout, timeout);
        LOG.info("kasa: polling {} every {} s as device '{}'", host.isEmpty() ? "the plug discovered as '" + config.discover() + "'"
                : host + ":" + config.port(), config.interval__seconds(), device);
        schedule(0);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        synchronized (this) {
            if (next != null) next.cancel(false);
        }
        status.remove(device);
    }

    @Override
    public String device() {
        return device;
    }

    /** The delay the next poll was scheduled with: for tests of backoff and the KLAP recheck. */
    long nextDelayMillis() {
        return nextDelayMillis;
    }

    long klapProbes() {
        return klapProbes.get();
    }

    private synchronized void schedule(long delayMillis) {
        if (closed) return;
        nextDelayMillis = delayMillis;
        next = scheduler.schedule(this::poll, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** One poll, then the next one scheduled. Must not throw, or polling would silently end. */
    void poll() {
        if (closed) return;
        long delay = intervalMillis;
        try {
            synchronized (plugLock) {
                delay = pollOnce();
            }
        } catch (RuntimeException e) {
            // a bug, not bad input (bad replies are exceptions of their own); keep polling and say so
            LOG.error("kasa {}: poll failed", device, e);
            status.error(device, e.toString());
            report(DeviceState.ERROR, "poll failed: " + e);
        }
        schedule(delay);
    }

    private long pollOnce() {
        KasaClient plug = client;
        if (plug == null) {
            plug = discoverPlug();
            if (plug == null) return offline("not found by discovery as '" + config.discover() + "' at "
                    + config.discovery__address() + ":" + config.port());
        }
        KasaClient.PlugSample sample;
        try {
            sample = plug.sample(this::outletsToRead);
        } catch (PlugUnreachableException e) {
            if (client != null && config.host().isBlank()) client = null; // rediscover: the address may have changed
            if ((e.reason() == PlugUnreachableException.Reason.REFUSED || e.reason() == PlugUnreachableException.Reason.CLOSED_WITHOUT_REPLY)
                    && speaksKlap(plug.host())) {
                consecutiveFailures = 0;
                report(DeviceState.UNSUPPORTED, KLAP_MESSAGE + " (" + e.getMessage() + "; HTTP port " + config.klap__port()
                        + " answers /app/handshake1)");
                return KLAP_RECHECK.toMillis();
            }
            return offline(e.getMessage());
        } catch (MalformedReplyException e) {
            malformedReplies.incrementAndGet();
            return badReply("malformed reply skipped: " + e.getMessage());
        } catch (DeviceRefusedException e) {
            refusedRequests.incrementAndGet();
            return badReply(e.getMessage());
        } catch (IOException e) {
            return offline(e.getMessage());
        }
        consecutiveFailures = 0;
        lastSysinfo = sample.sysinfo();
        adoptDeviceId(sample.sysinfo());
        publish(readings(device, sample, Instant.now()));
        KasaSysinfo info = sample.sysinfo();
        report(DeviceState.ONLINE, info.model() + " hw " + info.hardwareVersion() + " at " + plug.host() + ":" + plug.port()
                + (info.hasEnergyMeter() ? "" : " (no energy meter)"));
        return intervalMillis;
    }

    private long offline(String cause) {
        consecutiveFailures++;
        long delay = backoffMillis(intervalMillis, consecutiveFailures);
        report(DeviceState.OFFLINE, cause + "; next try in " + delay / 1000 + " s");
        return delay;
    }

    /** The plug answered, but not usefully: counted, skipped, and polled again at the usual interval. */
    private long badReply(String message) {
        consecutiveFailures = 0;
        LOG.debug("kasa {}: {}", device, message);
        status.error(device, message);
        report(DeviceState.ERROR, message);
        return intervalMillis;
    }

    /** The interval, doubled per consecutive failure after the first, capped at {@link #MAX_BACKOFF} (or the interval, if longer). */
    static long backoffMillis(long intervalMillis, int failures) {
        long cap = Math.max(intervalMillis, MAX_BACKOFF.toMillis());
        int doublings = Math.min(Math.max(0, failures - 1), 30);
        long delay = intervalMillis << doublings;
        return delay <= 0 || delay > cap ? cap : delay;
    }

    private boolean speaksKlap(String host) {
        klapProbes.incrementAndGet();
        return KlapProbe.answersHandshake1(host, config.klap__port(), timeout);
    }

    private KasaClient discoverPlug() {
        String wanted = config.discover().trim();
        try {
            List<String> rejects = new ArrayList<>();
            List<KasaClient.DiscoveredPlug> found = KasaClient.discover(
                    new InetSocketAddress(config.discovery__address().trim(), config.port()), timeout, rejects);
            rejects.forEach(r -> status.error(device, "discovery reply skipped: " + r));
            for (KasaClient.DiscoveredPlug p : found) {
                KasaSysinfo s = p.sysinfo();
                if (wanted.equalsIgnoreCase(s.alias()) || wanted.equalsIgnoreCase(s.deviceId()) || wanted.equalsIgnoreCase(s.mac())) {
                    LOG.info("kasa {}: discovered '{}' at {}", device, wanted, p.address());
                    KasaClient found1 = new KasaClient(p.address(), config.port(), timeout, timeout);
                    client = found1;
                    return found1;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            status.error(device, "discovery failed: " + e.getMessage());
        }
        return null;
    }

    /** The child ids of the outlets to read: all of them, or those the {@code outlets} property names. */
    Collection<String> outletsToRead(KasaSysinfo info) {
        if (outletSelectors.isEmpty()) return info.outlets().stream().map(KasaSysinfo.Outlet::id).toList();
        List<String> ids = new ArrayList<>();
        for (KasaSysinfo.Outlet o : info.outlets()) {
            if (outletSelectors.stream().anyMatch(sel -> matches(o, sel))) ids.add(o.id());
        }
        return ids;
    }

    private static boolean matches(KasaSysinfo.Outlet outlet, String selector) {
        return selector.equals(outlet.id()) || selector.equals(outlet.slot()) || selector.equalsIgnoreCase(outlet.alias());
    }

    private void adoptDeviceId(KasaSysinfo info) {
        if (!configuredDevice.isEmpty() || !device.startsWith("kasa-")) return;
        String fromAlias = sanitise(info.alias());
        String adopted = fromAlias.isEmpty() ? "kasa-" + sanitise(info.deviceId()) : fromAlias;
        if (adopted.equals("kasa-") || adopted.equals(device)) return;
        // the provisional id only ever named a status; the readings carry the alias from the first one on
        LOG.info("kasa: device '{}' is '{}' from now on (its alias '{}')", device, adopted, info.alias());
        status.remove(device);
        device = adopted;
        synchronized (this) { // the poll holds plugLock only; report() reads the policy under this lock
            logPolicy.forget();
        }
    }

    /** A plug's alias as a device id: lower case, runs of anything but letters, digits, '.', '_' and '-' as one '-'. */
    static String sanitise(String alias) {
        String s = alias.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}._-]+", "-").replaceAll("^-+|-+$", "");
        return s.length() <= 200 ? s : s.substring(0, 200);
    }

    /** The readings of one sample: one for a plug, one per outlet read for a power strip. */
    static List<Reading> readings(String device, KasaClient.PlugSample sample, Instant time) {
        KasaSysinfo info = sample.sysinfo();
        String model = info.model().isEmpty() ? "unknown" : info.model();
        List<Reading> out = new ArrayList<>();
        if (info.outlets().isEmpty()) {
            Reading.Builder r = Reading.of(device, MEASUREMENT).tag("model", model).field("relay", info.relayOn()).at(time);
            if (sample.meter() != null) meterFields(r, sample.meter());
            out.add(r.build());
            return out;
        }
        for (KasaSysinfo.Outlet outlet : info.outlets()) {
            if (!sample.outletMeters().containsKey(outlet.id()) && info.hasEnergyMeter()) continue; // not selected
            Reading.Builder r = Reading.of(device, MEASUREMENT).tag("model", model)
                    .tag("outlet", outlet.alias().isBlank() ? outlet.slot() : outlet.alias())
                    .tag("outlet_id", outlet.slot())
                    .field("relay", outlet.on()).at(time);
            EmeterRealtime meter = sample.outletMeters().get(outlet.id());
            if (meter != null) meterFields(r, meter);
            out.add(r.build());
        }
        return out;
    }

    private static void meterFields(Reading.Builder r, EmeterRealtime m) {
        r.field("power", m.powerWatts()).field("voltage", m.voltageVolts()).field("current", m.currentAmps()).field("energy", m.energyKwh());
    }

    private void publish(List<Reading> readings) {
        if (readings.isEmpty()) return;
        publisher.publish(readings).whenComplete((ok, failure) -> published(failure));
    }

    private synchronized void published(Throwable failure) {
        // the next poll brings fresh values; a refusal is said once, not every interval
        switch (logPolicy.published(failure == null)) {
            case INFO -> LOG.info("kasa {}: readings are accepted again", device);
            case WARN -> LOG.warn("kasa {}: readings were not accepted, dropping this poll: {}", device, failure.toString());
            case NONE -> { }
        }
        if (failure != null) {
            status.error(device, "readings not accepted: " + failure);
        }
    }

    private synchronized void report(DeviceState state, String message) {
        // the backoff delay changes with every failure; a steady cause is one report, not one per try
        if (!logChange(state, message, state + message.replaceAll("; next try in \\d+ s$", ""))) return;
        Map<String, String> details = new LinkedHashMap<>();
        KasaClient c = client;
        if (c != null) details.put("address", c.host() + ":" + c.port());
        KasaSysinfo info = lastSysinfo;
        if (info != null) {
            details.put("model", info.model());
            details.put("hw_ver", info.hardwareVersion());
            details.put("sw_ver", info.softwareVersion());
            details.put("alias", info.alias());
            if (!info.outlets().isEmpty()) details.put("outlets", String.valueOf(info.outlets().size()));
        }
        details.put("malformed_replies", String.valueOf(malformedReplies.get()));
        details.put("refused_requests", String.valueOf(refusedRequests.get()));
        status.report(new DeviceStatus(device, state, message, null, details));
    }

    /** Logs the status as {@link StatusLogPolicy} says; whether its state or cause changed. */
    private boolean logChange(DeviceState state, String message, String key) {
        StatusLogPolicy.Decision d = logPolicy.status(state, key);
        if (d.level() != StatusLogPolicy.Level.NONE) { // INFO and WARN: SLF4J's names
            LOG.atLevel(Level.valueOf(d.level().name())).log("kasa {}: {} {}{}", device, state, message,
                    d.firstTry() ? " (the first try since start)" : "");
        }
        return d.changed();
    }

    // ---- relay control: the device-command service ----

    private static final ArgumentSpec OUTLET = ArgumentSpec.text("outlet", false,
            "a power strip's outlet by alias, slot (00..05) or child id; absent or 'all' switches every outlet");
    private static final List<CommandSpec> COMMANDS = List.of(
            CommandSpec.of("on", "switch the relay on", OUTLET),
            CommandSpec.of("off", "switch the relay off", OUTLET));

    /** {@code on} and {@code off}. */
    @Override
    public List<CommandSpec> commandSpecs() {
        return COMMANDS;
    }

    /**
     * Switches the relay and reads the state back; completes with what the plug then reports, or
     * exceptionally with the reason (unknown outlet; plug unreachable; a state read back that
     * differs). Runs on the shared scheduler, after any poll in progress.
     *
     * @param args {@code outlet}: a power strip's outlet by alias, slot or child id; absent means all outlets
     */
    @Override
    public CompletionStage<String> execute(String command, Map<String, String> args) {
        boolean on = command.equals("on");
        String outlet = args.get("outlet");
        return CompletableFuture.supplyAsync(() -> {
            try {
                synchronized (plugLock) {
                    return switchRelay(on, outlet);
                }
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, scheduler);
    }

    private String switchRelay(boolean on, String outletSelector) throws IOException {
        KasaClient plug = client;
        if (plug == null) plug = discoverPlug();
        if (plug == null) throw new IOException("plug not found by discovery as '" + config.discover() + "'");
        KasaSysinfo before = plug.sysinfo();
        List<String> childIds = List.of();
        String what = "relay";
        if (outletSelector != null && !outletSelector.isBlank() && !outletSelector.equals("all")) {
            if (before.outlets().isEmpty()) throw new IllegalArgumentException("'" + device + "' is a single plug and has no outlet '" + outletSelector + "'");
            KasaSysinfo.Outlet o = before.outlets().stream().filter(x -> matches(x, outletSelector.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + device + "' has no outlet '" + outletSelector + "'"));
            childIds = List.of(o.id());
            what = "outlet " + o.slot() + (o.alias().isBlank() ? "" : " '" + o.alias() + "'");
        }
        plug.setRelay(on, childIds);
        KasaSysinfo after = plug.sysinfo();
        lastSysinfo = after;
        boolean confirmed;
        if (childIds.isEmpty()) {
            confirmed = after.outlets().isEmpty() ? after.relayOn() == on : after.outlets().stream().allMatch(o -> o.on() == on);
        } else {
            String id = childIds.get(0);
            confirmed = after.outlets().stream().filter(o -> o.id().equals(id)).anyMatch(o -> o.on() == on);
        }
        if (!confirmed) throw new IOException("the plug acknowledged " + what + " " + (on ? "on" : "off") + " but does not read back so");
        LOG.info("kasa {}: {} switched {}", device, what, on ? "on" : "off");
        return what + " is " + (on ? "on" : "off");
    }
}
