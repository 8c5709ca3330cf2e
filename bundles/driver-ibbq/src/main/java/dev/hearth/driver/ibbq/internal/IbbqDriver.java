package dev.hearth.driver.ibbq.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleException;

/**
 * One iBBQ thermometer: runs an {@link IbbqSession} on the gateway's shared scheduler (one step a
 * second) and publishes what it decodes. Readings keep the original BBQ script's names, so its
 * Elasticsearch users find them: measurement {@code bbq}, tag {@code bbq_probe} (1-based), field
 * {@code bbq_temp} in °C; measurement {@code bbq_battery}, field {@code bbq_battery} in percent.
 */
@Component(configurationPid = IbbqDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = DeviceCommands.class,
        immediate = true)
@Designate(ocd = IbbqDriverConfig.class, factory = true)
public final class IbbqDriver implements OneDeviceCommands {

    static final String PID = "dev.hearth.driver.ibbq";
    static final String MEASUREMENT = "bbq";
    static final String BATTERY_MEASUREMENT = "bbq_battery";
    /** How often the status is re-reported while nothing changes, so last_notification stays fresh in hearth:devices. */
    static final Duration STATUS_REFRESH = Duration.ofSeconds(10);
    private static final Pattern TARGET = Pattern.compile("\\s*([1-6])\\s*=\\s*(?:(-?[0-9]+(?:\\.[0-9]+)?)\\s*\\.\\.\\s*)?(-?[0-9]+(?:\\.[0-9]+)?)\\s*");
    private static final Logger LOG = LoggerFactory.getLogger(IbbqDriver.class);

    static final CommandSpec TARGET_COMMAND = CommandSpec.of("target", "Sets a probe's alarm target on the thermometer (°C)",
            ArgumentSpec.integer("probe", true, "probe number, 1-based", 1L, (long) IbbqCodec.MAX_PROBES),
            ArgumentSpec.decimal("temperature", true, "alarm when the probe reaches this, °C", IbbqCodec.MIN_TARGET_C, IbbqCodec.MAX_TARGET_C),
            ArgumentSpec.decimal("low", false, "alarm below this, °C (default: none)", IbbqCodec.MIN_TARGET_C, IbbqCodec.MAX_TARGET_C));
    static final CommandSpec UNIT_COMMAND = CommandSpec.of("unit", "Sets the unit the thermometer displays; readings stay in °C",
            ArgumentSpec.choice("unit", true, "C or F", "C", "F"));
    private static final List<CommandSpec> COMMANDS = List.of(TARGET_COMMAND, UNIT_COMMAND);

    private final String device;
    private final ReadingPublisher publisher;
    private final DeviceStatusReporter status;
    private final ScheduledExecutorService scheduler;
    private final IbbqSession session;
    private final Clock clock;
    private final ScheduledFuture<?> task;
    private volatile boolean closed;
    private DeviceState lastState = DeviceState.CONNECTING;
    private String lastMessage = "starting";
    private Instant since;
    private Instant lastReport = Instant.EPOCH;
    /** Used for publish outcomes only: the session's events drive the status lines. */
    private final StatusLogPolicy logPolicy = new StatusLogPolicy();

    @Activate
    public IbbqDriver(IbbqDriverConfig config,
            @Reference ReadingPublisher publisher,
            @Reference DeviceStatusReporter status,
            @Reference BleCentral ble,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler) {
        this(config, publisher, status, ble, scheduler, Clock.systemUTC(), true);
    }

    IbbqDriver(IbbqDriverConfig config, ReadingPublisher publisher, DeviceStatusReporter status, BleCentral ble,
            ScheduledExecutorService scheduler, Clock clock, boolean schedule) {
        this.publisher = publisher;
        this.status = status;
        this.scheduler = scheduler;
        this.clock = clock;
        String address = config.address().trim().toUpperCase(Locale.ROOT);
        if (!address.isEmpty() && !address.matches("[0-9A-F]{2}(:[0-9A-F]{2}){5}")) {
            throw new IllegalArgumentException("address must look like AA:BB:CC:DD:EE:FF, is '" + config.address() + "'");
        }
        String unit = config.unit().trim().toUpperCase(Locale.ROOT);
        if (!unit.equals("C") && !unit.equals("F")) throw new IllegalArgumentException("unit must be C or F, is '" + config.unit() + "'");
        checkRange("watchdog_seconds", config.watchdog__seconds(), 3, 600);
        checkRange("scan_seconds", config.scan__seconds(), 1, 120);
        checkRange("connect_timeout_seconds", config.connect__timeout__seconds(), 1, 120);
        checkRange("battery_interval_seconds", config.battery__interval__seconds(), 10, Integer.MAX_VALUE);
        checkRange("max_backoff_seconds", config.max__backoff__seconds(), 1, 3600);
        Map<Integer, double[]> targets = parseTargets(config.targets());
        String id = config.device().trim();
        this.device = !id.isEmpty() ? id : address.isEmpty() ? "ibbq" : "ibbq-" + address.replace(":", "").toLowerCase(Locale.ROOT);
        Reading.of(device, MEASUREMENT).field("bbq_temp", 0.0).build(); // refuses a bad device id now, not at the first reading
        IbbqSession.Settings settings = new IbbqSession.Settings(address, config.name(), config.passive(),
                Duration.ofSeconds(config.watchdog__seconds()), Duration.ofSeconds(config.scan__seconds()),
                Duration.ofSeconds(config.connect__timeout__seconds()), Duration.ofSeconds(config.battery__interval__seconds()),
                Duration.ofSeconds(config.max__backoff__seconds()));
        this.since = clock.instant();
        this.session = new IbbqSession(ble, settings, unit.equals("F"), targets, clock, new Events());
        LOG.info("ibbq: device '{}' {} {}", device, config.passive() ? "listening passively for" : "connecting to",
                address.isEmpty() ? (config.name().isBlank() ? "iBBQ/xBBQ or service FFF0" : "'" + config.name() + "'") : address);
        this.task = schedule ? scheduler.scheduleWithFixedDelay(this::step, 0, 1, TimeUnit.SECONDS) : null;
    }

    private static void checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", is " + value);
    }

    /** {@code "2=95"} or {@code "1=100..130"}: 0-based probe to {low, high} °C. */
    static Map<Integer, double[]> parseTargets(String[] specs) {
        Map<Integer, double[]> out = new LinkedHashMap<>();
        for (String spec : specs == null ? new String[0] : specs) {
            if (spec == null || spec.isBlank()) continue;
            Matcher m = TARGET.matcher(spec);
            if (!m.matches()) throw new IllegalArgumentException("target '" + spec + "' is not '<probe 1-6>=<high>' or '<probe>=<low>..<high>'");
            int probe = Integer.parseInt(m.group(1)) - 1;
            double low = m.group(2) == null ? IbbqCodec.MIN_TARGET_C : Double.parseDouble(m.group(2));
            double high = Double.parseDouble(m.group(3));
            IbbqCodec.target(probe, low, high); // validates
            if (out.put(probe, new double[] { low, high }) != null) throw new IllegalArgumentException("probe " + (probe + 1) + " has two targets");
        }
        return out;
    }

    /** One step of the session, then a status refresh if one is due. Must not throw, or the schedule would end. */
    void step() {
        if (closed) return;
        try {
            session.step();
            refreshStatus();
        } catch (RuntimeException e) {
            LOG.error("ibbq {}: step failed", device, e);
        }
    }

    private synchronized void refreshStatus() {
        if (Duration.between(lastReport, clock.instant()).compareTo(STATUS_REFRESH) >= 0) report();
    }

    private synchronized void report() {
        lastReport = clock.instant();
        status.report(new DeviceStatus(device, lastState, lastMessage, since, session.details()));
    }

    @Deactivate
    void deactivate() {
        closed = true;
        if (task != null) task.cancel(false);
        session.close();
        status.remove(device);
    }

    @Override
    public String device() {
        return device;
    }

    IbbqSession session() {
        return session;
    }

    /** Readings of one real-time notification: one per plugged probe, as the original script posted one document per probe. */
    static List<Reading> readings(String device, List<Double> celsius, Instant at) {
        List<Reading> out = new ArrayList<>(celsius.size());
        for (int i = 0; i < celsius.size(); i++) {
            Double t = celsius.get(i);
            if (t == null) continue; // unplugged: no reading; the status says so
            out.add(Reading.of(device, MEASUREMENT).tag("bbq_probe", String.valueOf(i + 1)).field("bbq_temp", t).at(at).build());
        }
        return out;
    }

    static Reading batteryReading(String device, IbbqCodec.Battery b, Instant at) {
        return Reading.of(device, BATTERY_MEASUREMENT).field("bbq_battery", b.percent())
                .field("voltage_current", (long) b.current()).field("voltage_max", (long) b.max()).at(at).build();
    }

    private void publish(List<Reading> readings) {
        if (readings.isEmpty()) return;
        publisher.publish(readings).whenComplete((ok, failure) -> published(failure));
    }

    private synchronized void published(Throwable failure) {
        switch (logPolicy.published(failure == null)) {
            case INFO -> LOG.info("ibbq {}: readings are accepted again", device);
            case WARN -> LOG.warn("ibbq {}: readings were not accepted: {}", device, failure.toString());
            case NONE -> { }
        }
        if (failure != null) {
            status.error(device, "readings not accepted: " + failure);
        }
    }

    private final class Events implements IbbqSession.Listener {
        @Override
        public void probes(List<Double> celsius, Instant at) {
            publish(readings(device, celsius, at));
        }

        @Override
        public void battery(IbbqCodec.Battery battery, Instant at) {
            publish(List.of(batteryReading(device, battery, at)));
        }

        @Override
        public void malformed(String message) {
            LOG.debug("ibbq {}: skipped: {}", device, message);
            status.error(device, "skipped: " + message);
        }

        @Override
        public void state(DeviceState state, String message) {
            synchronized (IbbqDriver.this) {
                if (state != lastState) since = clock.instant();
                lastState = state;
                lastMessage = message;
                report();
            }
        }
    }

    // ---- device commands ----

    @Override
    public List<CommandSpec> commandSpecs() {
        return COMMANDS;
    }

    @Override
    public CompletionStage<String> execute(String command, Map<String, String> valid) {
        double high;
        double low;
        try {
            high = TARGET_COMMAND.name().equals(command) ? Double.parseDouble(valid.get("temperature")) : 0;
            low = valid.containsKey("low") ? Double.parseDouble(valid.get("low")) : IbbqCodec.MIN_TARGET_C;
            if (TARGET_COMMAND.name().equals(command)) {
                IbbqCodec.target(Integer.parseInt(valid.get("probe")) - 1, low, high); // low above high is refused here
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (command.equals("unit")) return session.setUnit(valid.get("unit").equals("F"));
                return session.setTarget(Integer.parseInt(valid.get("probe")) - 1, low, high);
            } catch (BleException e) {
                throw new CompletionException(e);
            }
        }, scheduler);
    }
}
