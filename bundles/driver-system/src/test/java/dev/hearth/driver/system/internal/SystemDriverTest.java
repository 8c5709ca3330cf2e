package dev.hearth.driver.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.testkit.RecordingPublisher;

class SystemDriverTest {

    @TempDir
    Path root;

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final RecordingReporter status = new RecordingReporter();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void publishesTheHostAsItsHostNameAndReportsOnline() throws Exception {
        PiFixture.copyTo(root);
        SystemDriver driver = new SystemDriver(config(root.toString(), 1, ""), publisher, status, scheduler);
        assertEquals("raspberrypi", driver.device(), "from etc/hostname under root");
        publisher.await(r -> r.measurement().equals("cpu") && r.fields().containsKey("temperature"), 2, Duration.ofSeconds(5));
        assertTrue(publisher.readings().stream().allMatch(r -> r.device().equals("raspberrypi")));
        assertEquals(DeviceState.ONLINE, status.last().state());
        assertEquals(1, status.reports().size(), "a steady state is reported once: " + status.reports());

        driver.deactivate();
        assertEquals(List.of("raspberrypi"), status.removed);
        Thread.sleep(100);
        int count = publisher.readings().size();
        Thread.sleep(1300);
        assertEquals(count, publisher.readings().size(), "nothing after deactivation");
    }

    @Test
    void aBrokenFileIsAnErrorStatusWhileTheRestFlows() throws Exception {
        PiFixture.copyTo(root);
        PiFixture.write(root, "proc/meminfo", "MemTotal: lots\n");
        SystemDriver driver = new SystemDriver(config(root.toString(), 1, "pi-kitchen"), publisher, status, scheduler);
        publisher.await(r -> r.measurement().equals("tcp"), 2, Duration.ofSeconds(5));
        eventually(() -> status.errorCount() >= 2);
        assertTrue(publisher.readings().stream().noneMatch(r -> r.measurement().equals("memory")));
        DeviceStatus last = status.last();
        assertEquals(DeviceState.ERROR, last.state());
        assertTrue(last.message().startsWith("memory: "), last.message());

        PiFixture.write(root, "proc/meminfo", "MemTotal: 1000 kB\nMemFree: 500 kB\nMemAvailable: 600 kB\n");
        publisher.await(r -> r.measurement().equals("memory"), 4, Duration.ofSeconds(5));
        eventually(() -> status.last().state() == DeviceState.ONLINE); // recovers on its own
        driver.deactivate();
    }

    @Test
    void aMissingRootIsReportedNotThrown() throws Exception {
        SystemDriver driver = new SystemDriver(config(root.resolve("rootfs").toString(), 1, "box"), publisher, status, scheduler);
        publisher.await(r -> r.measurement().equals("system"), 1, Duration.ofSeconds(5));
        eventually(() -> !status.reports().isEmpty());
        assertEquals(DeviceState.ERROR, status.last().state());
        assertTrue(status.last().message().contains("not a directory"));
        driver.deactivate();
    }

    @Test
    void refusesADeviceIdThatNoReadingCouldCarry() {
        assertThrows(IllegalArgumentException.class,
                () -> new SystemDriver(config("/", 5, "bad\nname"), publisher, status, scheduler));
        assertThrows(IllegalArgumentException.class,
                () -> new SystemDriver(config("/", 0, "ok"), publisher, status, scheduler));
        assertEquals(0, scheduler.getQueue().size(), "nothing scheduled");
    }

    @Test
    void aRefusedPublishIsCountedNotFatal() throws Exception {
        PiFixture.copyTo(root);
        publisher.failWith(new IllegalStateException("journal closed"));
        SystemDriver driver = new SystemDriver(config(root.toString(), 1, "pi"), publisher, status, scheduler);
        eventually(() -> status.errorCount() >= 2);
        assertTrue(status.errors.get(0).contains("journal closed"), status.errors.toString());
        publisher.failWith(null);
        publisher.await(r -> true, 1, Duration.ofSeconds(5));
        driver.deactivate();
    }

    @Test
    void hostNameFallsBackWhenEtcHostnameIsMissing() throws IOException {
        PiFixture.write(root, "proc/sys/kernel/hostname", "from-proc\n");
        assertEquals("from-proc", SystemDriver.hostName(root));
        PiFixture.write(root, "etc/hostname", "bad\u0007name\n");
        assertEquals("from-proc", SystemDriver.hostName(root));
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within 5 s");
            Thread.sleep(10);
        }
    }

    private static SystemDriverConfig config(String root, int interval, String device) {
        return new SystemDriverConfig() {
            @Override public Class<? extends Annotation> annotationType() { return SystemDriverConfig.class; }
            @Override public String root() { return root; }
            @Override public int interval__seconds() { return interval; }
            @Override public String device() { return device; }
        };
    }

    static final class RecordingReporter implements DeviceStatusReporter {
        private final List<DeviceStatus> reports = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<String> removed = new ArrayList<>();

        @Override public synchronized void report(DeviceStatus s) { reports.add(s); }
        @Override public synchronized void error(String device, String message) { errors.add(message); }
        @Override public synchronized void remove(String device) { removed.add(device); }

        synchronized int errorCount() { return errors.size(); }

        synchronized List<DeviceStatus> reports() { return List.copyOf(reports); }

        synchronized DeviceStatus last() { return reports.get(reports.size() - 1); }
    }
}
