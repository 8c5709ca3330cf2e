package dev.hearth.driver.sds011.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
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
import dev.hearth.transport.serial.PortGoneException;
import dev.hearth.transport.serial.SerialPort;
import dev.hearth.transport.serial.SerialPorts;
import dev.hearth.transport.serial.SerialSettings;

/**
 * Runs one SDS011 on the gateway's shared scheduler: opens its port, puts it in query mode, and
 * follows the {@link DutyCycle} (wake, warm up, read, publish the median, sleep). Each step is a
 * few blocking commands, each bounded by the reply timeout. A port that goes away (the USB adapter
 * unplugged) is reopened with backoff; a sensor that stops answering is treated the same way.
 * Also offers {@code sleep}, {@code wake} and {@code read-now} as device commands.
 */
// immediate: a component that provides a service is otherwise delayed until someone asks for it, and would never read
@Component(configurationPid = Sds011Driver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = DeviceCommands.class,
        immediate = true)
@Designate(ocd = Sds011Config.class, factory = true)
public final class Sds011Driver implements OneDeviceCommands {

    static final String PID = "dev.hearth.driver.sds011";
    static final String MEASUREMENT = "air_quality";
    static final SerialSettings LINE = SerialSettings.eightN1(9600);
    /** Commands that go unanswered this many times in a row mean the sensor is gone even if the port is not. */
    static final int NO_REPLY_LIMIT = 3;
    /** While reading continuously, the laser estimate is saved this often (the SD card is spared the rest). */
    static final Duration SAVE_EVERY = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(Sds011Driver.class);
    private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final String portName;
    private final String scheme;
    private final String device;
    private final Duration replyTimeout;
    private final long reopenMaxMillis;
    private final ReadingPublisher publisher;
    private final DeviceStatusReporter status;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Path laserFile;
    private final DutyCycle cycle;
    private final Map<String, SerialPorts> providers = new ConcurrentHashMap<>();
    /** Serialises steps and commands: the sensor answers one command at a time. */
    private final Object lock = new Object();

    private volatile boolean closed;
    private Sds011Client client;
    private DutyCycle.Plan next;
    private ScheduledFuture<?> future;
    private long generation;
    private boolean waitingForPort;
    private int failures;
    private int noReplies;
    private String firmware = "";
    private Instant lastSaved;
    private String lastReported;
    /** Used for publish outcomes only: the status lines follow the duty cycle's own rules. */
    private final StatusLogPolicy logPolicy = new StatusLogPolicy();
    private final AtomicLong checksumErrors = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong reopens = new AtomicLong();
    private final AtomicLong openAttempts = new AtomicLong();
    private long opens;

    @Activate
    public Sds011Driver(Sds011Config config,
            @Reference ReadingPublisher publisher,
            @Reference DeviceStatusReporter status,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler,
            BundleContext context) {
        this(config, settings(config), publisher, status, scheduler, context.getDataFile("").toPath(), Clock.systemUTC());
    }

    Sds011Driver(Sds011Config config, DutyCycle.Settings settings, ReadingPublisher publisher, DeviceStatusReporter status,
            ScheduledExecutorService scheduler, Path stateDir, Clock clock) {
        this.publisher = publisher;
        this.status = status;
        this.scheduler = scheduler;
        this.clock = clock;
        this.portName = config.port().trim();
        // fail activation with the reason rather than fail every step later
        if (portName.isEmpty()) throw new IllegalArgumentException("port is required: a /dev/serial/by-id/... link, a path, usb:VID:PID or sim:NAME");
        if (config.reply__timeout__ms() < 200 || config.reply__timeout__ms() > 10_000) {
            throw new IllegalArgumentException("reply_timeout_ms must be within 200..10000, is " + config.reply__timeout__ms());
        }
        if (config.reopen__max__seconds() < 1 || config.reopen__max__seconds() > 3600) {
            throw new IllegalArgumentException("reopen_max_seconds must be within 1..3600, is " + config.reopen__max__seconds());
        }
        this.device = config.device().trim();
        Reading.of(device, MEASUREMENT).field("pm2_5", 0.0).build(); // refuses an unusable device id now
        this.scheme = SerialPorts.schemeOf(portName);
        this.replyTimeout = Duration.ofMillis(config.reply__timeout__ms());
        this.reopenMaxMillis = config.reopen__max__seconds() * 1000L;
        this.laserFile = stateDir.resolve("laser-" + device.replaceAll("[^A-Za-z0-9._-]", "_") + ".properties");
        this.cycle = new DutyCycle(settings, clock, loadLaser(laserFile));
        this.lastSaved = clock.instant();
        LOG.info("sds011: '{}' on {}: warm-up {} s, {} readings, sleep {} min (laser so far {} h)", device, portName,
                settings.warmUp().toSeconds(), settings.readings(), settings.sleep().toMinutes(), String.format(Locale.ROOT, "%.1f", cycle.laserHours()));
        synchronized (lock) {
            schedule(null, 0);
        }
    }

    /** The duty cycle the configuration asks for; refuses values out of range with the reason. */
    static DutyCycle.Settings settings(Sds011Config c) {
        check("warm_up_seconds", c.warm__up__seconds(), 0, 600);
        check("readings", c.readings(), 1, 60);
        check("reading_spacing_seconds", c.reading__spacing__seconds(), 1, 60);
        check("sleep_minutes", c.sleep__minutes(), 0, 1440);
        check("adaptive_sleep_minutes", c.adaptive__sleep__minutes(), 0, 1440);
        if (!(c.adaptive__threshold() >= 0 && c.adaptive__threshold() <= 1000)) {
            throw new IllegalArgumentException("adaptive_threshold must be within 0..1000 µg/m³, is " + c.adaptive__threshold());
        }
        return new DutyCycle.Settings(Duration.ofSeconds(c.warm__up__seconds()), c.readings(), Duration.ofSeconds(c.reading__spacing__seconds()),
                Duration.ofMinutes(c.sleep__minutes()), c.adaptive__threshold(), Duration.ofMinutes(c.adaptive__sleep__minutes()));
    }

    private static void check(String key, int value, int min, int max) {
        if (value < min || value > max) throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", is " + value);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPorts(SerialPorts ports, Map<String, Object> properties) {
        String s = String.valueOf(properties.getOrDefault(SerialPorts.SCHEME, SerialPorts.DEVICE_SCHEME));
        providers.put(s, ports);
        if (s.equals(scheme)) {
            synchronized (lock) {
                // the provider this sensor needs has come: try now instead of at the end of the backoff
                if (waitingForPort && !closed) schedule(null, 0);
            }
        }
    }

    void unbindPorts(SerialPorts ports, Map<String, Object> properties) {
        providers.values().remove(ports);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        synchronized (lock) {
            if (future != null) future.cancel(false);
            if (client != null) {
                try {
                    // spare the laser while nobody reads it (asleep already: it would not answer)
                    if (cycle.phase() != DutyCycle.Phase.ASLEEP && cycle.phase() != DutyCycle.Phase.PAUSED) client.sleep();
                } catch (IOException e) {
                    LOG.debug("sds011 {}: could not put the sensor to sleep on stop: {}", device, e.toString());
                }
                cycle.lost();
                client.port().close();
                client = null;
            }
            saveLaser();
        }
        status.remove(device);
    }

    @Override
    public String device() {
        return device;
    }

    DutyCycle cycle() {
        return cycle;
    }

    /** How often the port was tried: for tests that there is no tight reopen loop. */
    long openAttempts() {
        return openAttempts.get();
    }

    /** Must hold {@link #lock}. Runs {@code plan} (null: open the port) after {@code delayMillis}. */
    private void schedule(DutyCycle.Plan plan, long delayMillis) {
        if (closed) return;
        if (future != null) future.cancel(false);
        next = plan;
        long gen = ++generation;
        future = scheduler.schedule(() -> step(gen), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    }

    private void schedule(DutyCycle.Plan plan) {
        if (plan.action() == DutyCycle.Action.NONE) {
            if (future != null) future.cancel(false);
            next = plan;
            generation++;
            return;
        }
        schedule(plan, Duration.between(clock.instant(), plan.at()).toMillis());
    }

    /** One step of the cycle. Must not throw, or the cycle would silently end. */
    private void step(long gen) {
        synchronized (lock) {
            if (closed || gen != generation) return; // superseded by a command or a newer schedule
            try {
                if (client == null) {
                    if (open()) schedule(cycle.woke());
                    statusNow();
                    return;
                }
                DutyCycle.Plan done = perform(next);
                noReplies = 0;
                schedule(done);
                statusNow();
            } catch (PortGoneException e) {
                lost(e.getMessage());
            } catch (NoReplyException e) {
                noReply(e.getMessage());
            } catch (IOException e) {
                lost(e.getMessage());
            } catch (RuntimeException e) {
                // a bug, not bad input (bad frames are counted and skipped); keep going and say so
                LOG.error("sds011 {}: step failed", device, e);
                status.error(device, e.toString());
                report(DeviceState.ERROR, "step failed: " + e);
                schedule(next, 5_000);
            }
        }
    }

    private DutyCycle.Plan perform(DutyCycle.Plan plan) throws IOException {
        switch (plan.action()) {
            case WAKE:
                client.wake();
                return cycle.woke();
            case READ:
                Sds011Codec.Data d = client.queryData();
                DutyCycle.Plan after = cycle.read(d.pm25(), d.pm10());
                if (after.report() != null) {
                    publish(after.report());
                    if (Duration.between(lastSaved, clock.instant()).compareTo(SAVE_EVERY) >= 0) saveLaser();
                }
                return after;
            case SLEEP:
                client.sleep();
                DutyCycle.Plan asleep = cycle.slept();
                saveLaser();
                return asleep;
            default:
                return plan;
        }
    }

    /** Opens the port and sets the sensor up; false (with the next try scheduled) if it cannot. Holds the lock. */
    private boolean open() {
        openAttempts.incrementAndGet();
        SerialPorts provider = providers.get(scheme);
        if (provider == null) {
            waitingForPort = true;
            // at start the provider's bundle may simply not be up yet; its arrival retries at once (bindPorts)
            return retryLater(failures == 0 ? DeviceState.CONNECTING : DeviceState.OFFLINE, "no serial port provider for '" + scheme + "' ports"
                    + (scheme.equals(SerialPorts.DEVICE_SCHEME) ? " (is the transport-serial bundle running?)" : " (is its simulator configured?)"));
        }
        SerialPort port = null;
        try {
            port = provider.open(portName, LINE);
            Sds011Client c = new Sds011Client(port, replyTimeout, this::badFrame);
            c.wake(); // first: a sleeping sensor answers nothing else
            c.setQueryMode();
            c.setWorkingPeriod(0); // the duty cycle is ours; a period left set by another tool persists across power-off
            firmware = c.firmware();
            client = c;
            waitingForPort = false;
            failures = 0;
            noReplies = 0;
            if (opens++ > 0) reopens.incrementAndGet();
            LOG.info("sds011 {}: sensor {} (firmware {}) on {} ({})", device, Sds011Codec.idHex(c.sensorId()), firmware, portName, port.device());
            cycle.start();
            return true;
        } catch (PortGoneException e) {
            waitingForPort = true;
            return retryLater(DeviceState.OFFLINE, "port missing: " + e.getMessage());
        } catch (NoReplyException e) {
            timeouts.incrementAndGet();
            if (port != null) port.close();
            waitingForPort = true;
            return retryLater(DeviceState.ERROR, "port " + portName + " is open but no SDS011 answers: " + e.getMessage());
        } catch (IOException e) {
            if (port != null) port.close();
            waitingForPort = true;
            return retryLater(DeviceState.OFFLINE, e.getMessage());
        }
    }

    private boolean retryLater(DeviceState state, String cause) {
        failures++;
        long delay = backoffMillis(reopenMaxMillis, failures);
        report(state, cause + "; next try in " + Math.max(1, delay / 1000) + " s");
        schedule(null, delay);
        return false;
    }

    /** 1 s, doubled per consecutive failure after the first, capped at {@code maxMillis}. */
    static long backoffMillis(long maxMillis, int failures) {
        int doublings = Math.min(Math.max(0, failures - 1), 30);
        long delay = 1000L << doublings;
        return Math.min(delay, maxMillis);
    }

    private void lost(String cause) {
        LOG.debug("sds011 {}: port lost: {}", device, cause);
        closeClient();
        waitingForPort = true;
        retryLater(DeviceState.OFFLINE, "port lost: " + cause);
    }

    private void noReply(String cause) {
        timeouts.incrementAndGet();
        status.error(device, cause);
        if (++noReplies >= NO_REPLY_LIMIT) {
            noReplies = 0;
            closeClient();
            waitingForPort = true;
            retryLater(DeviceState.ERROR, "sensor stopped answering (" + cause + ")");
            return;
        }
        report(DeviceState.ERROR, cause + "; trying again");
        schedule(next, replyTimeout.toMillis());
    }

    private void closeClient() {
        if (client != null) client.port().close();
        client = null;
        cycle.lost();
        saveLaser();
    }

    private void badFrame(Sds011Codec.Fault fault, String message) {
        if (fault == Sds011Codec.Fault.BAD_CHECKSUM) checksumErrors.incrementAndGet(); else malformedFrames.incrementAndGet();
        status.error(device, (fault == Sds011Codec.Fault.BAD_CHECKSUM ? "bad checksum, frame skipped: " : "malformed frame skipped: ") + message);
    }

    private void publish(DutyCycle.Median m) {
        Reading.Builder r = Reading.of(device, MEASUREMENT).tag("sensor", "sds011")
                .field("pm2_5", m.pm25()).field("pm10", m.pm10())
                .field("laser_hours", Math.round(cycle.laserHours() * 100) / 100.0)
                .field("samples", (long) m.samples())
                .at(clock.instant());
        if (client != null && client.sensorId() >= 0) r.tag("sensor_id", Sds011Codec.idHex(client.sensorId()));
        publisher.publish(r.build()).whenComplete((ok, failure) -> published(failure));
    }

    private void published(Throwable failure) {
        synchronized (this) {
            switch (logPolicy.published(failure == null)) {
                case INFO -> LOG.info("sds011 {}: readings are accepted again", device);
                case WARN -> LOG.warn("sds011 {}: a reading was not accepted, dropping it: {}", device, failure.toString());
                case NONE -> { }
            }
        }
        if (failure != null) status.error(device, "reading not accepted: " + failure);
    }

    /** Reports where the cycle is. Holds the lock. */
    private void statusNow() {
        if (client == null) return;
        Instant ends = cycle.phaseEnds();
        String message = switch (cycle.phase()) {
            case WARMING_UP -> "awake, warming up until " + HH_MM_SS.format(ends);
            case MEASURING -> cycle.badAir() ? "awake, reading continuously while PM2.5 is high" : "awake, measuring";
            case ASLEEP -> "asleep until " + HH_MM_SS.format(ends);
            case PAUSED -> "asleep until woken by a command";
            default -> "starting";
        };
        report(DeviceState.ONLINE, message);
    }

    private void report(DeviceState state, String message) {
        // backoff delays change with every failure; a steady cause is one report, not one per try
        String key = state + message.replaceAll("; next try in \\d+ s$", "");
        String phase = cycle.phase().name().toLowerCase(Locale.ROOT);
        synchronized (this) {
            if ((key + phase).equals(lastReported)) return;
            lastReported = key + phase;
        }
        if (state == DeviceState.OFFLINE || state == DeviceState.ERROR) LOG.warn("sds011 {}: {} {}", device, state, message);
        else if (state == DeviceState.CONNECTING) LOG.info("sds011 {}: {} {}", device, state, message);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("port", portName);
        Sds011Client c = client;
        if (c != null) {
            details.put("device_path", c.port().device());
            if (c.sensorId() >= 0) details.put("sensor_id", Sds011Codec.idHex(c.sensorId()));
        }
        if (!firmware.isEmpty()) details.put("firmware", firmware);
        details.put("phase", state == DeviceState.OFFLINE ? "port-missing" : phase);
        DutyCycle.Median m = cycle.lastMedian();
        if (m != null) details.put("last_pm2_5", String.valueOf(m.pm25()));
        details.put("laser_hours", String.format(Locale.ROOT, "%.2f", cycle.laserHours()));
        details.put("checksum_errors", String.valueOf(checksumErrors.get()));
        details.put("malformed_frames", String.valueOf(malformedFrames.get()));
        details.put("timeouts", String.valueOf(timeouts.get()));
        details.put("reopens", String.valueOf(reopens.get()));
        status.report(new DeviceStatus(device, state, message, null, details));
    }

    // ---- laser hours, kept in the bundle's data area so the estimate survives restarts ----

    static Duration loadLaser(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 4096) return Duration.ZERO;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.startsWith("laser_on_seconds=")) continue;
                long s = Long.parseLong(line.substring("laser_on_seconds=".length()).trim());
                if (s >= 0 && s < 100L * 365 * 24 * 3600) return Duration.ofSeconds(s);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("sds011: laser hours in {} unreadable, starting from 0: {}", file, e.toString());
        }
        return Duration.ZERO;
    }

    /** Holds the lock. Written whole to a temporary file, then moved: a power cut leaves the old or the new. */
    private void saveLaser() {
        lastSaved = clock.instant();
        try {
            Files.createDirectories(laserFile.getParent());
            Path tmp = laserFile.resolveSibling(laserFile.getFileName() + ".tmp");
            Files.writeString(tmp, "# estimated laser-on time of SDS011 '" + device + "'\nlaser_on_seconds=" + cycle.laserOn().toSeconds() + "\n",
                    StandardCharsets.UTF_8);
            try {
                Files.move(tmp, laserFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, laserFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("sds011 {}: cannot save laser hours to {}: {}", device, laserFile, e.toString());
        }
    }

    // ---- device commands ----

    static final CommandSpec SLEEP = CommandSpec.of("sleep", "Put the sensor to sleep (laser and fan off) now.",
            ArgumentSpec.integer("minutes", false, "Wake again after this many minutes; absent: sleep until 'wake'.", 1L, 10_080L));
    static final CommandSpec WAKE = CommandSpec.of("wake", "Wake the sensor now and start a round: warm-up, readings, median.");
    static final CommandSpec READ_NOW = CommandSpec.of("read-now", "Query one measurement now (the sensor must be awake; "
            + "during the warm-up the value is not yet reliable). Not published.");
    private static final List<CommandSpec> COMMANDS = List.of(SLEEP, WAKE, READ_NOW);

    @Override
    public List<CommandSpec> commandSpecs() {
        return COMMANDS;
    }

    @Override
    public CompletionStage<String> execute(String command, Map<String, String> valid) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (lock) {
                try {
                    return run(command, valid);
                } catch (IOException e) {
                    if (e instanceof PortGoneException) lost(e.getMessage());
                    throw new CompletionException(e);
                }
            }
        }, scheduler);
    }

    /** Holds the lock. */
    private String run(String command, Map<String, String> args) throws IOException {
        if (closed) throw new IOException("the driver is stopping");
        if (client == null) throw new IOException("sensor not connected: " + (lastReported == null ? "port not open yet" : "port " + portName + " missing"));
        switch (command) {
            case "sleep": {
                // asleep already (between rounds): it would not answer; only the plan changes
                if (cycle.phase() != DutyCycle.Phase.ASLEEP && cycle.phase() != DutyCycle.Phase.PAUSED) client.sleep();
                String minutes = args.get("minutes");
                DutyCycle.Plan plan = minutes == null ? cycle.pause() : cycle.sleepFor(Duration.ofMinutes(Long.parseLong(minutes)));
                saveLaser();
                schedule(plan);
                statusNow();
                return minutes == null ? "asleep until woken" : "asleep until " + HH_MM_SS.format(cycle.phaseEnds());
            }
            case "wake": {
                client.wake();
                schedule(cycle.woke());
                statusNow();
                return "awake; first reading after the warm-up, at " + HH_MM_SS.format(cycle.phaseEnds());
            }
            case "read-now": {
                if (cycle.phase() == DutyCycle.Phase.ASLEEP || cycle.phase() == DutyCycle.Phase.PAUSED) {
                    throw new IllegalStateException("the sensor is asleep; 'wake' it first");
                }
                Sds011Codec.Data d = client.queryData();
                return String.format(Locale.ROOT, "pm2_5=%.1f pm10=%.1f µg/m³%s", d.pm25(), d.pm10(),
                        cycle.phase() == DutyCycle.Phase.WARMING_UP ? " (still warming up)" : "");
            }
            default:
                throw new IllegalArgumentException("unknown command '" + command + "'");
        }
    }
}
