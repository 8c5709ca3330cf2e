package dev.hearth.driver.system.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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

/**
 * Samples the host every {@code interval_seconds} on the gateway's shared scheduler and publishes
 * the sample as one batch. Runs without a configuration (the defaults read the host it is on).
 */
@Component(configurationPid = SystemDriver.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = SystemDriverConfig.class)
public final class SystemDriver {

    static final String PID = "dev.hearth.driver.system";
    /** Status messages are shown in one console line. */
    private static final int MAX_MESSAGE = 300;
    private static final Logger LOG = LoggerFactory.getLogger(SystemDriver.class);

    private final String device;
    private final SystemMetricsReader reader;
    private final ReadingPublisher publisher;
    private final DeviceStatusReporter status;
    private final ScheduledFuture<?> task;
    private volatile boolean closed;
    /** The last status reported, so a steady state is reported once rather than every interval. */
    private String lastReported;
    /** Used for publish outcomes only. */
    private final StatusLogPolicy logPolicy = new StatusLogPolicy();

    @Activate
    public SystemDriver(SystemDriverConfig config,
            @Reference ReadingPublisher publisher,
            @Reference DeviceStatusReporter status,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler) {
        Path root = Path.of(config.root().isBlank() ? "/" : config.root());
        this.device = config.device().isBlank() ? hostName(root) : config.device().trim();
        // fail activation with the reason rather than fail every reading later
        Reading.of(device, "system").field("time", 0L).build();
        if (config.interval__seconds() < 1) {
            throw new IllegalArgumentException("interval_seconds must be at least 1, is " + config.interval__seconds());
        }
        this.reader = new SystemMetricsReader(root);
        this.publisher = publisher;
        this.status = status;
        if (!Files.isDirectory(root)) {
            LOG.error("host metrics: root {} is not a directory; every metric will be missing", root);
        }
        LOG.info("host metrics for device '{}' from {} every {} s", device, root, config.interval__seconds());
        this.task = scheduler.scheduleWithFixedDelay(this::sample, 0, config.interval__seconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        task.cancel(false);
        status.remove(device);
    }

    String device() {
        return device;
    }

    /** One interval's work. Must not throw: an exception would silently end a fixed-delay schedule. */
    void sample() {
        if (closed) return;
        try {
            HostMetrics metrics = reader.read();
            List<Reading> readings = HostReadings.of(metrics, device);
            publisher.publish(readings).whenComplete((ok, failure) -> published(failure));
            if (!Files.isDirectory(reader.root())) {
                report(DeviceState.ERROR, "root " + reader.root() + " is not a directory");
            } else if (metrics.problems().isEmpty()) {
                report(DeviceState.ONLINE, "");
            } else {
                String message = metrics.problems().entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
                message = message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 3) + "...";
                status.error(device, message);
                report(DeviceState.ERROR, message);
            }
        } catch (RuntimeException e) {
            // a bug, not bad input (the reader absorbs that); keep sampling and say so
            LOG.error("host metrics: sampling failed", e);
            status.error(device, e.toString());
            report(DeviceState.ERROR, "sampling failed: " + e);
        }
    }

    private synchronized void published(Throwable failure) {
        // the next sample replaces these; a refusal is said once, not every interval
        switch (logPolicy.published(failure == null)) {
            case INFO -> LOG.info("host metrics: readings are accepted again");
            case WARN -> LOG.warn("host metrics: readings were not accepted, dropping this sample: {}", failure.toString());
            case NONE -> { }
        }
        if (failure != null) {
            status.error(device, "readings not accepted: " + failure);
        }
    }

    private synchronized void report(DeviceState state, String message) {
        String key = state + message;
        if (key.equals(lastReported)) return;
        lastReported = key;
        status.report(new DeviceStatus(device, state, message, null, Map.of("root", reader.root().toString())));
    }

    /** The host's name as the host knows it, read under root so a container reports its host, not itself. */
    static String hostName(Path root) {
        for (String file : List.of("etc/hostname", "proc/sys/kernel/hostname")) {
            try {
                String name = SystemMetricsReader.readSmall(root.resolve(file)).trim();
                if (!name.isEmpty() && name.length() <= Reading.MAX_NAME_LENGTH && !name.matches(".*\\p{Cntrl}.*")) return name;
            } catch (IOException | RuntimeException e) {
                // try the next source
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
