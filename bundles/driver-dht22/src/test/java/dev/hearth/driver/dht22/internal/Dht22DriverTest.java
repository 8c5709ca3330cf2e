package dev.hearth.driver.dht22.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioUnavailableException;
import dev.hearth.testkit.RecordingStatusReporter;

/**
 * The driver against a temporary directory shaped like the IIO sysfs tree, on a scheduler with
 * virtual time (so "2 s apart" and the power-off time are exact and nothing waits).
 */
class Dht22DriverTest {

    static final Instant EPOCH = Instant.parse("2026-07-01T12:00:00Z");

    @TempDir
    Path data;
    FakeIio iio;
    ManualScheduler time;
    RecordingPublisher published;
    RecordingStatusReporter status;
    FakeGpio gpio;
    /** Virtual times (ms) at which the driver read the sensor. */
    final List<Long> reads = new ArrayList<>();
    /** Replaces the next reads' outcome: what the kernel would answer that no file can (ETIMEDOUT). */
    final List<ReadFailure> scripted = new ArrayList<>();
    Dht22Driver driver;

    @BeforeEach
    void setUp() throws IOException {
        iio = new FakeIio(data.resolve("iio"));
        Files.createDirectories(iio.root);
        time = new ManualScheduler(EPOCH);
        published = new RecordingPublisher();
        status = new RecordingStatusReporter();
        gpio = new FakeGpio(time);
    }

    private Dht22Driver start(Configs c) {
        driver = new Dht22Driver(c.build(), published, status, time, gpio, data, time.clock(), time::nanos,
                (root, name, select) -> new IioDht(root, name, select) {
                    @Override
                    Sample read(Path device) throws ReadFailure {
                        reads.add(time.nowMillis());
                        if (!scripted.isEmpty()) throw scripted.remove(0);
                        return super.read(device);
                    }
                });
        return driver;
    }

    private static Configs config() {
        return new Configs("iio"); // relative: resolved against the data directory, as the demo does
    }

    private List<Double> temperatures() {
        return published.readings().stream().map(r -> r.number("temperature")).toList();
    }

    @Test
    void publishesTemperatureAndHumidityScaledFromTheKernelsMilliUnits() throws Exception {
        iio.add(0, "dht11").values(0, 23_400, 45_600);
        start(config().interval(10));
        time.advance(0);
        Reading r = published.readings().get(0);
        assertEquals("dht22", r.device());
        assertEquals("dht22", r.measurement());
        assertEquals(Map.of("temperature", 23.4, "humidity", 45.6), r.fields());
        assertEquals(EPOCH, r.timestamp());
        assertEquals(DeviceState.ONLINE, status.last().state());
        assertEquals(iio.device(0).toString(), status.detail("iio_device"));
        iio.values(0, -5_100, 99_900);
        time.advance(10_000);
        // -5.1 after 23.4 is a jump: rejected until it repeats (see the spike test); the read itself happened
        assertEquals(List.of(0L, 10_000L), reads);
    }

    @Test
    void readsAreAtLeastTwoSecondsApartAndFollowTheInterval() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 50_000);
        start(config().interval(2).retries(3, 2000));
        scripted.add(new ReadFailure(ReadFailure.Kind.EIO, "EIO"));
        scripted.add(new ReadFailure(ReadFailure.Kind.TIMEOUT, "ETIMEDOUT"));
        time.advance(30_000);
        for (int i = 1; i < reads.size(); i++) {
            assertTrue(reads.get(i) - reads.get(i - 1) >= Dht22Driver.MIN_GAP_MS, "reads at " + reads);
        }
        assertTrue(reads.size() >= 14, "one read every 2 s: " + reads);
        assertEquals(List.of(0L, 2000L, 4000L, 6000L, 8000L), reads.subList(0, 5));
    }

    @Test
    void eioFromTheKernelIsRetriedAfterTheRetryDelayAndCounted() throws Exception {
        iio.add(0, "dht11").values(0, 21_000, 40_000).eio(0, IioDht.TEMPERATURE); // a real EIO
        start(config().interval(10).retries(2, 2500));
        time.advance(0);
        assertEquals(List.of(), published.readings());
        assertTrue(status.errors().get(0).endsWith("Input/output error"), status.errors().toString());
        iio.values(0, 21_000, 40_000); // the sensor answers at the retry
        time.advance(2499);
        assertEquals(1, reads.size());
        time.advance(1);
        assertEquals(List.of(0L, 2500L), reads);
        assertEquals(List.of(21.0), temperatures());
        assertEquals("1", status.detail("eio"));
        assertEquals("1", status.detail("retries"));
        assertEquals(DeviceState.ONLINE, status.last().state());
        time.advance(10_000); // the interval counts from the poll's start, not from the retry
        assertEquals(List.of(0L, 2500L, 10_000L), reads);
    }

    @Test
    void etimedoutIsRetriedAndAFailedReadingGoesOfflineWithTheReason() throws Exception {
        iio.add(0, "dht11").values(0, 21_000, 40_000);
        start(config().interval(10).retries(1, 2000));
        // ETIMEDOUT cannot come from a file: the reader reports it as the classifier names it (see ReadFailureTest)
        scripted.add(new ReadFailure(ReadFailure.Kind.TIMEOUT, "reading in_temp_input: Connection timed out"));
        scripted.add(new ReadFailure(ReadFailure.Kind.TIMEOUT, "reading in_temp_input: Connection timed out"));
        time.advance(2000);
        assertEquals(List.of(0L, 2000L), reads);
        assertEquals(DeviceState.OFFLINE, status.last().state());
        assertTrue(status.last().message().contains("ETIMEDOUT") && status.last().message().contains("after 2 tries"), status.last().message());
        assertEquals("2", status.detail("etimedout"));
        assertEquals("1", status.detail("failed_in_a_row"));
        time.advance(8000);
        assertEquals(List.of(21.0), temperatures());
        assertEquals(DeviceState.ONLINE, status.last().state());
        assertEquals("0", status.detail("failed_in_a_row"));
    }

    @Test
    void spikesAreRejectedCountedAndShownAndARealChangeIsAcceptedOnceItRepeats() throws Exception {
        iio.add(0, "dht11").celsius(0, 21.0, 45.0);
        start(config().interval(10));
        time.advance(0);
        iio.celsius(0, 21.1, 45.2);
        time.advance(10_000);
        iio.celsius(0, 38.6, 45.2); // a flipped bit that passed the checksum
        time.advance(10_000);
        iio.celsius(0, 21.2, 45.1);
        time.advance(10_000);
        assertEquals(List.of(21.0, 21.1, 21.2), temperatures());
        assertEquals("1", status.detail("spikes_rejected"));
        assertTrue(status.errors().stream().anyMatch(e -> e.contains("spike rejected: 38.6")), status.errors().toString());
        assertEquals(DeviceState.ONLINE, status.last().state());

        iio.celsius(0, 4.0, 85.0); // carried outdoors: three agreeing readings make it real
        time.advance(10_000);
        time.advance(10_000);
        time.advance(10_000);
        assertEquals(List.of(21.0, 21.1, 21.2, 4.0), temperatures());
        assertEquals("3", status.detail("spikes_rejected"));
        assertEquals("1", status.detail("new_levels_accepted"));
    }

    @Test
    void outOfRangeValuesAreRejectedAndCounted() throws Exception {
        iio.add(0, "dht11").values(0, -45_000, 50_000);
        start(config());
        time.advance(0);
        iio.values(0, 20_000, 101_000);
        time.advance(10_000);
        iio.values(0, 20_000, 50_000);
        time.advance(10_000);
        assertEquals(List.of(20.0), temperatures());
        assertEquals("2", status.detail("out_of_range"));
    }

    @Test
    void malformedValuesAreCountedSkippedAndReadingGoesOn() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 50_000).raw(0, IioDht.HUMIDITY, "garbage\n");
        start(config());
        time.advance(0);
        assertEquals(DeviceState.ERROR, status.last().state());
        assertTrue(status.last().message().contains("not an integer"), status.last().message());
        assertEquals("1", status.detail("malformed"));
        assertEquals(1, reads.size(), "malformed content is not retried at once: it is no sensor error");
        iio.directoryInstead(0, IioDht.TEMPERATURE);
        time.advance(10_000);
        assertEquals("2", status.detail("malformed"));
        iio.values(0, 20_000, 50_000);
        time.advance(10_000);
        assertEquals(List.of(20.0), temperatures());
        assertEquals(DeviceState.ONLINE, status.last().state());
    }

    @Test
    void theSensorDisappearingAndReappearingElsewhereIsFollowed() throws Exception {
        iio.add(0, "dht11").celsius(0, 20.0, 50.0);
        start(config());
        time.advance(0);
        iio.remove(0); // overlay unloaded, module reloaded...
        time.advance(10_000);
        assertEquals(DeviceState.OFFLINE, status.last().state());
        time.advance(10_000);
        assertEquals(DeviceState.OFFLINE, status.last().state());
        assertTrue(status.last().message().startsWith("no IIO device named 'dht11'"), status.last().message());
        assertEquals("", status.detail("iio_device"));
        iio.add(3, "dht11").celsius(3, 20.1, 50.0); // ...and back under another number
        time.advance(10_000);
        assertEquals(DeviceState.ONLINE, status.last().state());
        assertEquals(iio.device(3).toString(), status.detail("iio_device"));
        assertEquals(List.of(20.0, 20.1), temperatures());
        assertEquals("2", status.detail("not_found"));
    }

    @Test
    void afterNFailedReadingsThePowerLineIsSwitchedOffThenOnThenTheSensorIsReadAgain() throws Exception {
        iio.add(0, "dht11").celsius(0, 20.0, 50.0).eio(0, IioDht.TEMPERATURE);
        Configs c = config().interval(10).retries(1, 2000).power("GPIO17", 2);
        c.offMs = 3000;
        c.settleMs = 1500;
        start(c);
        assertEquals(List.of(GpioLine.bcm(17)), gpio.opened);
        assertEquals(List.of(new FakeGpio.Change(0, true)), gpio.changes, "powered from the start");
        time.advance(10_000); // reading 1: 0 and 2000 fail; reading 2: 10000 and 12000 fail -> power off at 12000
        time.advance(2000);
        assertEquals(List.of(0L, 2000L, 10_000L, 12_000L), reads);
        assertEquals(List.of(new FakeGpio.Change(0, true), new FakeGpio.Change(12_000, false)), gpio.changes);
        assertEquals(DeviceState.CONNECTING, status.last().state());
        assertEquals("1", status.detail("power_cycles"));
        iio.celsius(0, 20.0, 50.0); // the power cycle cured it
        time.advance(3000);
        assertEquals(new FakeGpio.Change(15_000, true), gpio.changes.get(2));
        assertEquals(4, reads.size(), "nothing read while the sensor settles");
        time.advance(1500);
        assertEquals(List.of(0L, 2000L, 10_000L, 12_000L, 16_500L), reads);
        assertEquals(List.of(20.0), temperatures());
        assertEquals(DeviceState.ONLINE, status.last().state());
        assertEquals("0", status.detail("failed_in_a_row"));
    }

    @Test
    void activeLowPowerSwitchesTheOtherWay() throws Exception {
        iio.add(0, "dht11").eio(0, IioDht.TEMPERATURE);
        Configs c = config().retries(0, 2000).power("gpiochip0:5", 1);
        c.activeLow = true;
        start(c);
        time.advance(0);
        assertEquals(List.of(new FakeGpio.Change(0, false), new FakeGpio.Change(0, true)), gpio.changes);
        time.advance(2000);
        assertEquals(new FakeGpio.Change(2000, false), gpio.changes.get(2));
    }

    @Test
    void noGpioOnThisMachineIsReportedAndReadingGoesOn() throws Exception {
        gpio.failOpen = new GpioUnavailableException("no GPIO chip: /dev has no gpiochip* character device");
        iio.add(0, "dht11").eio(0, IioDht.TEMPERATURE);
        start(config().retries(0, 2000).power("17", 1));
        time.advance(0);
        assertEquals("1", status.detail("power_cycle_failures"));
        assertTrue(status.detail("power_problem").startsWith("no GPIO chip"), status.detail("power_problem"));
        assertTrue(status.last().message().contains("not possible: no GPIO chip"), status.last().message());
        iio.celsius(0, 19.5, 60.0);
        time.advance(10_000);
        assertEquals(List.of(19.5), temperatures());
    }

    @Test
    void withoutTheGpioServiceThePowerCycleSaysWhatIsMissing() throws Exception {
        iio.add(0, "dht11").eio(0, IioDht.TEMPERATURE);
        driver = new Dht22Driver(config().retries(0, 2000).power("17", 1).build(), published, status, time, null, data, time.clock(), time::nanos);
        time.advance(0);
        assertTrue(status.detail("power_problem").contains("no GPIO service"), status.detail("power_problem"));
        assertEquals("0", status.detail("power_cycles"));
    }

    @Test
    void severalSensorsAreToldApartBySelect() throws Exception {
        iio.add(0, "dht11").celsius(0, 20.0, 50.0).add(1, "dht11").celsius(1, 5.0, 90.0);
        Files.writeString(iio.device(1).resolve("label"), "outdoor\n");
        start(config().select("outdoor").device("outdoor"));
        time.advance(0);
        assertEquals(List.of(5.0), temperatures());
        assertEquals("outdoor", published.readings().get(0).device());
    }

    @Test
    void stopsCleanlyAndForgetsItsStatus() throws Exception {
        iio.add(0, "dht11").celsius(0, 20.0, 50.0);
        start(config().power("17", 3));
        time.advance(0);
        driver.deactivate();
        time.advance(60_000);
        assertEquals(1, reads.size());
        assertEquals(List.of("dht22"), status.removed());
        assertTrue(gpio.closed);
        assertEquals(0, time.pending());
    }

    @Test
    void publishFailuresAreCountedNotFatal() throws Exception {
        iio.add(0, "dht11").celsius(0, 20.0, 50.0);
        published.failWith(new IllegalStateException("journal closed"));
        start(config());
        time.advance(0);
        assertTrue(status.errors().stream().anyMatch(e -> e.contains("journal closed")));
        published.failWith(null);
        time.advance(10_000);
        assertEquals(List.of(20.0), temperatures());
    }

    /** Steps of a test that may throw. */
    interface Steps {
        void run() throws Exception;
    }

    /**
     * The driver's state and publish lines logged while {@code steps} run, as "LEVEL message".
     * slf4j-simple writes to whatever System.err is at the time (its default, cacheOutputStream=false),
     * as KasaDriverTest relies on too; the scheduler's virtual time runs every step on this thread.
     */
    private static List<String> logged(String device, Steps steps) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            steps.run();
        } finally {
            System.setErr(original);
        }
        Pattern line = Pattern.compile("^\\[[^]]*\\] (\\w+) \\S+ - (dht22 " + device
                + ": (?:ONLINE|OFFLINE|ERROR|CONNECTING|readings) .*)$");
        return captured.toString(StandardCharsets.UTF_8).lines().map(line::matcher).filter(Matcher::matches)
                .map(m -> m.group(1) + " " + m.group(2)).toList();
    }

    @Test
    void theFirstFailedReadingAfterStartIsInfoARepeatIsOneWarningAndRecoveryIsLogged() throws Exception {
        iio.add(0, "dht11").eio(0, IioDht.TEMPERATURE); // the sensor does not answer yet
        List<String> lines = logged("late", () -> {
            start(config().device("late").interval(10).retries(0, 2000));
            time.advance(0);
            time.advance(10_000); // the same failure: a warning now
            time.advance(10_000); // and again: nothing new to say
            iio.celsius(0, 20.0, 50.0);
            time.advance(10_000); // back
            time.advance(10_000);
            published.failWith(new IllegalStateException("journal closed"));
            time.advance(10_000);
            time.advance(10_000); // still refused: said once
            published.failWith(null);
            time.advance(10_000);
            time.advance(10_000);
            iio.eio(0, IioDht.TEMPERATURE);
            time.advance(10_000); // a failure after a success is a warning at once
        });
        String offline = "dht22 late: OFFLINE no valid answer: EIO (bad checksum or lost sync) after 1 try, ";
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertEquals("INFO " + offline + "1 reading(s) in a row (the first try since start)", lines.get(0));
        assertEquals("WARN " + offline + "2 reading(s) in a row", lines.get(1));
        assertEquals("INFO dht22 late: ONLINE reading " + iio.device(0), lines.get(2));
        assertEquals("WARN dht22 late: readings were not accepted, dropping this poll: java.lang.IllegalStateException: journal closed",
                lines.get(3));
        assertEquals("INFO dht22 late: readings are accepted again", lines.get(4));
        assertEquals("WARN " + offline + "1 reading(s) in a row", lines.get(5));
    }

    @Test
    void aFirstSuccessIsNotLoggedAndAFailureAfterItIsAWarningAtOnce() throws Exception {
        iio.add(0, "dht11").celsius(0, 20.0, 50.0);
        List<String> lines = logged("quick", () -> {
            start(config().device("quick").interval(10).retries(0, 2000));
            time.advance(0); // read at once: the startup line and "using ..." say enough
            iio.remove(0);
            time.advance(10_000);
        });
        assertEquals(List.of(20.0), temperatures());
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("WARN dht22 quick: OFFLINE reading ") && lines.get(0).endsWith("NoSuchFileException"), lines.get(0));
    }

    @Test
    void anotherCauseAfterTheFirstFailureIsAWarningAtOnceAndItsRepeatIsNotLogged() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 50_000).raw(0, IioDht.HUMIDITY, "garbage\n");
        List<String> lines = logged("first", () -> {
            start(config().device("first").interval(10).retries(0, 2000));
            time.advance(0);
            iio.directoryInstead(0, IioDht.TEMPERATURE);
            time.advance(10_000);
            time.advance(10_000); // the same cause: logged already
            iio.values(0, 20_000, 50_000);
            time.advance(10_000);
        });
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("INFO dht22 first: ERROR malformed value skipped: ") && lines.get(0).endsWith("(the first try since start)"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("WARN dht22 first: ERROR malformed value skipped: ") && lines.get(1).endsWith("but a directory"),
                lines.get(1));
        assertEquals("INFO dht22 first: ONLINE reading " + iio.device(0), lines.get(2));
        assertEquals("3", status.detail("malformed"));
    }

    @Test
    void badConfigurationIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> start(config().interval(1)));
        assertThrows(IllegalArgumentException.class, () -> start(config().retries(2, 1999)));
        assertThrows(IllegalArgumentException.class, () -> start(config().retries(11, 2000)));
        assertThrows(IllegalArgumentException.class, () -> start(config().power("pin seven", 3)));
        assertThrows(IllegalArgumentException.class, () -> start(config().power("17", 0)));
        assertThrows(IllegalArgumentException.class, () -> start(config().device("")));
        assertThrows(IllegalArgumentException.class, () -> start(config().device("a\u0000b")));
        Configs c = config();
        c.minT = 50;
        c.maxT = 10;
        assertThrows(IllegalArgumentException.class, () -> start(c));
        Configs empty = new Configs(" ");
        assertThrows(IllegalArgumentException.class, () -> start(empty));
        assertNull(driver);
        assertEquals(0, time.pending());
    }

    @Test
    void theDataDirectoryComesFromTheFrameworkProperty() {
        assertEquals(Path.of("/var/lib/hearth/data"), Dht22Driver.dataDirectory("/var/lib/hearth/data"));
        assertEquals(Path.of("data"), Dht22Driver.dataDirectory(null));
        assertEquals(Path.of("data"), Dht22Driver.dataDirectory(" "));
        assertEquals(Path.of("/sys/bus/iio/devices"), Path.of("/var/lib/hearth/data").resolve("/sys/bus/iio/devices"), "absolute stays absolute");
    }
}
