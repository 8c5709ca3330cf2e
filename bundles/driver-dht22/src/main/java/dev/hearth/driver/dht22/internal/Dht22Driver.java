package dev.hearth.driver.dht22.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
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
import dev.hearth.transport.gpio.GpioController;
import dev.hearth.transport.gpio.GpioException;
import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioOutput;

/**
 * Reads one DHT22 through the kernel's IIO {@code dht11} driver on the gateway's shared
 * scheduler. Every step (a read, a retry, switching power off, switching it on) is its own short
 * task; nothing sleeps in a scheduler thread. A read blocks at most about a second (the kernel's
 * own timeout for the sensor's answer).
 *
 * <p>Reads are at least {@link #MIN_GAP_MS} apart. EIO and ETIMEDOUT are retried after
 * {@code retry_delay_ms}; a reading that fails all its tries counts as one failure, and after
 * {@code power_cycle_after} failures in a row the sensor is switched off and on through a GPIO
 * line, if one is configured.
 */
@Component(configurationPid = Dht22Driver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {}, immediate = true)
@Designate(ocd = Dht22Config.class, factory = true)
public final class Dht22Driver {

    static final String PID = "dev.hearth.driver.dht22";
    /** The same measurement as the MQTT input's example for an ESP32 with a DHT22, so one dashboard shows both. */
    static final String MEASUREMENT = "dht22";
    /** The DHT22's minimum interval between reads. */
    static final long MIN_GAP_MS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(Dht22Driver.class);

    private final String device;
    private final IioDht sensor;
    private final Plausibility plausibility;
    private final ReadingPublisher publisher;
    private final DeviceStatusReporter status;
    private final ScheduledExecutorService scheduler;
    private final GpioController gpio;
    private final GpioLine powerLine;
    private final boolean poweredHigh;
    private final Clock clock;
    private final LongSupplier nanos;
    private final long intervalMs;
    private final int retries;
    private final long retryDelayMs;
    private final int powerCycleAfter;
    private final long powerOffMs;
    private final long powerSettleMs;

    // all below guarded by this
    private boolean closed;
    private ScheduledFuture<?> next;
    private Path current;
    private String currentNames = "";
    private int candidatesFound;
    private long lastAttemptNanos;
    private boolean attempted;
    private long pollStartNanos;
    private int attempt;
    private int consecutiveFailures;
    private GpioOutput power;
    private String powerProblem = "";
    private final StatusLogPolicy logPolicy = new StatusLogPolicy();
    private long readsOk;
    private long eio;
    private long timeouts;
    private long retried;
    private long malformed;
    private long outOfRange;
    private long spikes;
    private long newLevels;
    private long notFound;
    private long powerCycles;
    private long powerCycleFailures;
    private Double lastTemperature;
    private Double lastHumidity;

    @Activate
    public Dht22Driver(Dht22Config config,
            @Reference ReadingPublisher publisher,
            @Reference DeviceStatusReporter status,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) GpioController gpio,
            BundleContext context) {
        this(config, publisher, status, scheduler, gpio, dataDirectory(context.getProperty("hearth.data")), Clock.systemUTC(), System::nanoTime);
    }

    Dht22Driver(Dht22Config config, ReadingPublisher publisher, DeviceStatusReporter status, ScheduledExecutorService scheduler,
            GpioController gpio, Path dataDirectory, Clock clock, LongSupplier nanos) {
        this(config, publisher, status, scheduler, gpio, dataDirectory, clock, nanos, IioDht::new);
    }

    /** The sensor reader's constructor (root, name, select): tests wrap the real one to see when reads happen. */
    interface SensorFactory {
        IioDht create(Path root, String name, String select);
    }

    Dht22Driver(Dht22Config config, ReadingPublisher publisher, DeviceStatusReporter status, ScheduledExecutorService scheduler,
            GpioController gpio, Path dataDirectory, Clock clock, LongSupplier nanos, SensorFactory sensors) {
        // fail activation with the reason rather than fail every reading later
        if (config.interval__seconds() < 2 || config.interval__seconds() > 86_400) {
            throw new IllegalArgumentException("interval_seconds must be within 2..86400 (the sensor allows one reading every 2 s), is "
                    + config.interval__seconds());
        }
        if (config.retries() < 0 || config.retries() > 10) throw new IllegalArgumentException("retries must be within 0..10, is " + config.retries());
        if (config.retry__delay__ms() < MIN_GAP_MS || config.retry__delay__ms() > 60_000) {
            throw new IllegalArgumentException("retry_delay_ms must be within 2000..60000, is " + config.retry__delay__ms());
        }
        if (config.power__cycle__after() < 1 || config.power__cycle__after() > 1000) {
            throw new IllegalArgumentException("power_cycle_after must be within 1..1000, is " + config.power__cycle__after());
        }
        if (config.power__off__ms() < 100 || config.power__off__ms() > 60_000) {
            throw new IllegalArgumentException("power_off_ms must be within 100..60000, is " + config.power__off__ms());
        }
        if (config.power__settle__ms() < 0 || config.power__settle__ms() > 60_000) {
            throw new IllegalArgumentException("power_settle_ms must be within 0..60000, is " + config.power__settle__ms());
        }
        String name = config.iio__name().strip();
        if (name.isEmpty() || name.length() > 64) throw new IllegalArgumentException("iio_name must be 1..64 characters");
        this.device = config.device().strip();
        Reading.of(device, MEASUREMENT).field("temperature", 0.0).build(); // refuses an unusable device id now
        this.plausibility = new Plausibility(new Plausibility.Limits(config.min__temperature(), config.max__temperature(),
                config.min__humidity(), config.max__humidity(), config.max__temperature__step(), config.max__humidity__step(),
                config.spike__confirmations()));
        String root = config.iio__root().strip();
        if (root.isEmpty()) throw new IllegalArgumentException("iio_root is empty");
        this.sensor = sensors.create(dataDirectory.resolve(root), name, config.select());
        this.powerLine = config.power__gpio().isBlank() ? null : GpioLine.parse(config.power__gpio());
        this.poweredHigh = !config.power__active__low();
        this.publisher = publisher;
        this.status = status;
        this.scheduler = scheduler;
        this.gpio = gpio;
        this.clock = clock;
        this.nanos = nanos;
        this.intervalMs = config.interval__seconds() * 1000L;
        this.retries = config.retries();
        this.retryDelayMs = config.retry__delay__ms();
        this.powerCycleAfter = config.power__cycle__after();
        this.powerOffMs = config.power__off__ms();
        this.powerSettleMs = config.power__settle__ms();
        LOG.info("dht22 {}: reading '{}' under {} every {} s{}", device, name, sensor.root(), config.interval__seconds(),
                powerLine == null ? "" : ", power on " + powerLine);
        synchronized (this) {
            if (powerLine != null) openPower(); // the line powers the sensor: drive it on from the start
            report(DeviceState.CONNECTING, "looking for the sensor");
            schedule(this::poll, 0);
        }
    }

    /** The gateway's data directory, from the framework property {@code hearth.data}, else {@code ./data}. */
    static Path dataDirectory(String property) {
        return Path.of(property == null || property.isBlank() ? "data" : property);
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true;
        if (next != null) next.cancel(false);
        if (power != null) {
            // the kernel keeps the last level on release: the sensor stays powered
            power.close();
            power = null;
        }
        status.remove(device);
    }

    private synchronized void schedule(Runnable step, long delayMs) {
        if (closed) return;
        next = scheduler.schedule(() -> run(step), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    /** Runs one step; must not throw, or the readings would silently end. */
    private void run(Runnable step) {
        synchronized (this) {
            if (closed) return;
            try {
                step.run();
            } catch (RuntimeException e) {
                // a bug, not bad input (bad input is a ReadFailure): keep reading and say so
                LOG.error("dht22 {}: step failed", device, e);
                status.error(device, e.toString());
                report(DeviceState.ERROR, "internal error: " + e);
                schedule(this::poll, intervalMs);
            }
        }
    }

    private void poll() {
        pollStartNanos = nanos.getAsLong();
        attempt = 0;
        attempt();
    }

    private void attempt() {
        long now = nanos.getAsLong();
        long sinceLast = (now - lastAttemptNanos) / 1_000_000;
        if (attempted && sinceLast >= 0 && sinceLast < MIN_GAP_MS) {
            schedule(this::attempt, MIN_GAP_MS - sinceLast);
            return;
        }
        attempted = true;
        lastAttemptNanos = now;
        IioDht.Sample sample;
        try {
            if (current == null) {
                List<IioDht.Candidate> all = sensor.candidates();
                candidatesFound = all.size();
                IioDht.Candidate c = sensor.locate();
                current = c.directory();
                currentNames = String.join(", ", c.names());
                LOG.info("dht22 {}: using {} ({}){}", device, current, currentNames,
                        all.size() > 1 ? "; " + all.size() + " sensors found, set 'select' to choose another" : "");
            }
            sample = sensor.read(current);
        } catch (ReadFailure f) {
            failed(f);
            return;
        }
        readsOk++;
        consecutiveFailures = 0;
        accept(sample);
        nextPoll();
    }

    private void accept(IioDht.Sample s) {
        double t = s.celsius();
        double h = s.percent();
        Plausibility.Verdict v = plausibility.check(t, h, nanos.getAsLong() / 1_000_000);
        switch (v) {
            case OUT_OF_RANGE -> {
                outOfRange++;
                status.error(device, "implausible reading rejected: " + t + " °C, " + h + " %RH (outside the configured range)");
                report(DeviceState.ONLINE, "reading " + current);
            }
            case SPIKE -> {
                spikes++;
                status.error(device, "spike rejected: " + t + " °C, " + h + " %RH after " + lastTemperature + " °C, " + lastHumidity + " %RH");
                report(DeviceState.ONLINE, "reading " + current);
            }
            case ACCEPTED, NEW_LEVEL -> {
                if (v == Plausibility.Verdict.NEW_LEVEL) {
                    newLevels++;
                    LOG.info("dht22 {}: accepting a new level {} °C, {} %RH after it repeated", device, t, h);
                }
                lastTemperature = t;
                lastHumidity = h;
                publish(Reading.of(device, MEASUREMENT).field("temperature", t).field("humidity", h).at(Instant.now(clock)).build());
                report(DeviceState.ONLINE, "reading " + current);
            }
        }
    }

    private void failed(ReadFailure f) {
        switch (f.kind()) {
            case EIO, TIMEOUT -> {
                if (f.kind() == ReadFailure.Kind.EIO) eio++;
                else timeouts++;
                status.error(device, f.getMessage());
                if (attempt < retries) {
                    attempt++;
                    retried++;
                    schedule(this::attempt, retryDelayMs);
                    return;
                }
                consecutiveFailures++;
                String why = (f.kind() == ReadFailure.Kind.EIO ? "EIO (bad checksum or lost sync)" : "ETIMEDOUT (the sensor did not answer)")
                        + " after " + (retries + 1) + (retries == 0 ? " try" : " tries") + ", " + consecutiveFailures + " reading(s) in a row";
                report(DeviceState.OFFLINE, "no valid answer: " + why);
                if (powerLine != null && consecutiveFailures >= powerCycleAfter) {
                    powerCycle();
                    return;
                }
            }
            case GONE -> {
                notFound++;
                current = null;
                report(DeviceState.OFFLINE, f.getMessage());
            }
            case MALFORMED -> {
                malformed++;
                status.error(device, f.getMessage());
                report(DeviceState.ERROR, "malformed value skipped: " + f.getMessage());
            }
            case ACCESS -> report(DeviceState.ERROR, f.getMessage() + " (the gateway's user needs read access to the IIO device)");
            case OTHER -> {
                status.error(device, f.getMessage());
                report(DeviceState.ERROR, f.getMessage());
            }
        }
        nextPoll();
    }

    private void nextPoll() {
        long elapsed = (nanos.getAsLong() - pollStartNanos) / 1_000_000;
        schedule(this::poll, intervalMs - Math.max(0, elapsed));
    }

    // ---- power cycling ----

    private boolean openPower() {
        if (power != null) return true;
        if (gpio == null) {
            powerProblem = "no GPIO service (install feature climate, which brings transport-gpio)";
            return false;
        }
        try {
            power = gpio.openOutput(powerLine, poweredHigh, device);
            powerProblem = "";
            return true;
        } catch (GpioException | RuntimeException e) {
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(powerProblem)) LOG.warn("dht22 {}: cannot use {} for power: {}", device, powerLine, problem);
            powerProblem = problem;
            return false;
        }
    }

    private void powerCycle() {
        consecutiveFailures = 0;
        if (!openPower()) {
            powerCycleFailures++;
            report(DeviceState.OFFLINE, "power cycle on " + powerLine + " not possible: " + powerProblem);
            nextPoll();
            return;
        }
        try {
            power.set(!poweredHigh);
        } catch (GpioException e) {
            powerCycleFailures++;
            powerProblem = e.getMessage();
            report(DeviceState.OFFLINE, "power cycle on " + powerLine + " failed: " + e.getMessage());
            nextPoll();
            return;
        }
        powerCycles++;
        LOG.warn("dht22 {}: {} failed readings in a row, switching the sensor off for {} ms ({})", device, powerCycleAfter, powerOffMs, powerLine);
        report(DeviceState.CONNECTING, "power cycling the sensor on " + powerLine);
        schedule(this::powerOn, powerOffMs);
    }

    private void powerOn() {
        try {
            power.set(poweredHigh);
        } catch (GpioException e) {
            powerCycleFailures++;
            powerProblem = e.getMessage();
            report(DeviceState.OFFLINE, "switching the sensor back on (" + powerLine + ") failed: " + e.getMessage());
        }
        attempted = false; // a freshly powered sensor: the settle time is the gap
        schedule(this::poll, powerSettleMs);
    }

    // ---- output ----

    private void publish(Reading r) {
        publisher.publish(r).whenComplete((ok, failure) -> published(failure));
    }

    private synchronized void published(Throwable failure) {
        // the next poll brings fresh values; a refusal is said once, not every interval
        switch (logPolicy.published(failure == null)) {
            case INFO -> LOG.info("dht22 {}: readings are accepted again", device);
            case WARN -> LOG.warn("dht22 {}: readings were not accepted, dropping this poll: {}", device, failure.toString());
            case NONE -> { }
        }
        if (failure != null) {
            status.error(device, "readings not accepted: " + failure);
        }
    }

    private void report(DeviceState state, String message) {
        // the console gets fresh counters at every step; the log only hears about changes.
        // CONNECTING (looking for the sensor, power cycling) is no try: neither logged nor counted.
        if (state != DeviceState.CONNECTING) logChange(state, message, state + message.replaceAll(", \\d+ reading\\(s\\) in a row$", ""));
        status.report(new DeviceStatus(device, state, message, null, details()));
    }

    /** Logs the status as {@link StatusLogPolicy} says; whether its state or cause changed. */
    private boolean logChange(DeviceState state, String message, String key) {
        StatusLogPolicy.Decision d = logPolicy.status(state, key);
        if (d.level() != StatusLogPolicy.Level.NONE) { // INFO and WARN: SLF4J's names
            LOG.atLevel(Level.valueOf(d.level().name())).log("dht22 {}: {} {}{}", device, state, message,
                    d.firstTry() ? " (the first try since start)" : "");
        }
        return d.changed();
    }

    private Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("iio_device", current == null ? "" : current.toString());
        if (!currentNames.isEmpty()) d.put("iio_names", currentNames);
        if (candidatesFound > 1) d.put("sensors_found", String.valueOf(candidatesFound));
        d.put("reads_ok", String.valueOf(readsOk));
        d.put("eio", String.valueOf(eio));
        d.put("etimedout", String.valueOf(timeouts));
        d.put("retries", String.valueOf(retried));
        d.put("failed_in_a_row", String.valueOf(consecutiveFailures));
        d.put("spikes_rejected", String.valueOf(spikes));
        d.put("out_of_range", String.valueOf(outOfRange));
        d.put("new_levels_accepted", String.valueOf(newLevels));
        d.put("malformed", String.valueOf(malformed));
        d.put("not_found", String.valueOf(notFound));
        if (powerLine != null) {
            d.put("power_line", powerLine.toString());
            d.put("power_cycles", String.valueOf(powerCycles));
            d.put("power_cycle_failures", String.valueOf(powerCycleFailures));
            if (!powerProblem.isEmpty()) d.put("power_problem", powerProblem);
        }
        if (lastTemperature != null) {
            d.put("temperature", lastTemperature.toString());
            d.put("humidity", lastHumidity.toString());
        }
        return d;
    }
}
