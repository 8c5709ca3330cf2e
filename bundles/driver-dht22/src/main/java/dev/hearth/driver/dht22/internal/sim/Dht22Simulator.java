package dev.hearth.driver.dht22.internal.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's DHT22: a directory shaped like {@code /sys/bus/iio/devices/iio:deviceN} whose
 * values change every 2 s (the kernel driver's cache time), so the demo runs the driver's real
 * discovery, reading, retry and spike code. A failing tick makes {@code in_temp_input} a link to
 * {@code /proc/self/mem}, which the kernel answers with a real EIO at offset 0. Runs only when its
 * own PID is configured (the demo feature does), never by default. Uses the shared scheduler.
 */
@Component(configurationPid = Dht22Simulator.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = Dht22SimulatorConfig.class)
public final class Dht22Simulator {

    static final String PID = "dev.hearth.simulator.dht22";
    static final long TICK_MS = 2000;
    private static final Path EIO_SOURCE = Path.of("/proc/self/mem");
    private static final Logger LOG = LoggerFactory.getLogger(Dht22Simulator.class);

    private final Path device;
    private final SimulatedClimate climate;
    private final Clock clock;
    private final Random random;
    private final int failurePercent;
    private final int spikePercent;
    private final ScheduledFuture<?> ticks;
    private boolean failing;

    @Activate
    public Dht22Simulator(Dht22SimulatorConfig config, @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler,
            BundleContext context) throws IOException {
        this(config, scheduler, dataDirectory(context.getProperty("hearth.data")), Clock.systemDefaultZone(), new Random());
    }

    /** For tests: a given data directory, clock and randomness. */
    public Dht22Simulator(Dht22SimulatorConfig config, ScheduledExecutorService scheduler, Path dataDirectory, Clock clock, Random random)
            throws IOException {
        if (config.index() < 0 || config.index() > 999) throw new IllegalArgumentException("index must be within 0..999, is " + config.index());
        if (config.failure__percent() < 0 || config.failure__percent() > 100 || config.spike__percent() < 0 || config.spike__percent() > 100) {
            throw new IllegalArgumentException("failure_percent and spike_percent must be within 0..100");
        }
        if (config.directory().isBlank()) throw new IllegalArgumentException("directory is empty");
        this.device = dataDirectory.resolve(config.directory().strip()).resolve("iio:device" + config.index());
        this.climate = new SimulatedClimate(config.mean__temperature(), config.temperature__swing(), config.mean__humidity(),
                config.humidity__swing(), clock.getZone(), random);
        this.clock = clock;
        this.random = random;
        this.failurePercent = Files.exists(EIO_SOURCE) ? config.failure__percent() : 0;
        this.spikePercent = config.spike__percent();
        Files.createDirectories(device);
        write("name", "dht11\n");
        tick(false);
        this.ticks = scheduler.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.info("dht22 simulator: {} (failures {} %, spikes {} %)", device, failurePercent, spikePercent);
    }

    static Path dataDirectory(String property) {
        return Path.of(property == null || property.isBlank() ? "data" : property);
    }

    Path device() {
        return device;
    }

    private void tick() {
        try {
            tick(true);
        } catch (IOException | RuntimeException e) {
            // a full disk or a removed directory must not end the scheduled task
            LOG.warn("dht22 simulator: cannot update {}: {}", device, e.toString());
        }
    }

    private synchronized void tick(boolean mayMisbehave) throws IOException {
        Files.createDirectories(device);
        SimulatedClimate.Values v = climate.at(Instant.now(clock));
        boolean fail = mayMisbehave && random.nextInt(100) < failurePercent;
        boolean spike = mayMisbehave && !fail && random.nextInt(100) < spikePercent;
        long t = spike ? v.milliCelsius() + 15_000 : v.milliCelsius();
        if (fail) {
            Path temp = device.resolve("in_temp_input");
            Files.deleteIfExists(temp);
            Files.createSymbolicLink(temp, EIO_SOURCE);
            failing = true;
        } else {
            write("in_temp_input", t + "\n");
            failing = false;
        }
        write("in_humidityrelative_input", v.milliPercent() + "\n");
    }

    /** Whether the last tick made the temperature fail (for tests). */
    synchronized boolean failing() {
        return failing;
    }

    /** Replaces the file whole, so the driver never reads half a number; replaces a failing link too. */
    private void write(String attribute, String content) throws IOException {
        Path tmp = device.resolve("." + attribute + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, device.resolve(attribute), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Deactivate
    public void deactivate() {
        ticks.cancel(false);
        // the sensor leaves with the simulator, as an unplugged one would
        synchronized (this) {
            try (Stream<Path> all = Files.walk(device)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                if (Files.exists(device, LinkOption.NOFOLLOW_LINKS)) LOG.warn("dht22 simulator: cannot remove {}: {}", device, e.toString());
            }
        }
    }
}
