package dev.hearth.driver.ibbq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.transport.ble.internal.BluezCentral;
import dev.hearth.testkit.BluezMock;

/**
 * The driver over the real transport against BlueZ's D-Bus API as python3-dbusmock serves it on a
 * private dbus-daemon: login and enable bytes, notifications to readings, a dropped link, the adapter
 * powered off and on, bluetoothd restarting, the watchdog. Waits are bounded and generous; nothing
 * asserts on speed.
 */
class IbbqBluezTest {

    static final String MAC = "A4:C1:38:11:22:33";
    static final String LOGIN = "2107060504030201b8220000000000";
    static final Duration WAIT = Duration.ofSeconds(30);

    BluezMock mock;
    BluezCentral central;
    IbbqDriver driver;
    final RecordingPublisher publisher = new RecordingPublisher();
    final IbbqDriverTest.Reporter status = new IbbqDriverTest.Reporter();
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);

    @BeforeEach
    void start() throws Exception {
        mock = new BluezMock();
        mock.ctl("setup", MAC, "iBBQ");
        central = new BluezCentral(mock.address(), "");
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) driver.deactivate();
        scheduler.shutdownNow();
        if (central != null) central.close();
        if (mock != null) mock.close();
    }

    static IbbqDriverConfig config(String address, int watchdog) {
        IbbqDriverConfig d = IbbqDriverTest.config(address, "C", "2=95");
        return new IbbqDriverConfig() {
            @Override public Class<? extends Annotation> annotationType() { return IbbqDriverConfig.class; }
            @Override public String address() { return d.address(); }
            @Override public String name() { return ""; }
            @Override public String device() { return "pit"; }
            @Override public boolean passive() { return false; }
            @Override public String unit() { return d.unit(); }
            @Override public String[] targets() { return d.targets(); }
            @Override public int watchdog__seconds() { return watchdog; }
            @Override public int scan__seconds() { return 2; }
            @Override public int connect__timeout__seconds() { return 5; }
            @Override public int battery__interval__seconds() { return 300; }
            @Override public int max__backoff__seconds() { return 2; }
        };
    }

    List<String> writes(String uuid16) throws Exception {
        return mock.ctl("writes", MAC, uuid16);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + WAIT + ": " + what);
            Thread.sleep(100);
        }
    }

    interface Check {
        boolean test() throws Exception;
    }

    static BooleanSupplier quietly(Check c) {
        return () -> {
            try {
                return c.test();
            } catch (Exception e) {
                return false;
            }
        };
    }

    Reading awaitTemperature(double celsius) throws InterruptedException {
        return publisher.await(r -> r.measurement().equals("bbq") && Double.valueOf(celsius).equals(r.number("bbq_temp")), 1, WAIT).get(0);
    }

    DeviceStatus lastStatus() {
        synchronized (status) {
            return status.reports.isEmpty() ? null : status.last();
        }
    }

    @Test
    void logsInDecodesAndSurvivesDropsPowerCyclesAndBluetoothdRestarts() throws Exception {
        driver = new IbbqDriver(config(MAC, 10), publisher, status, central, scheduler, Clock.systemUTC(), true);

        await("login written to FFF2", quietly(() -> writes("fff2").equals(List.of(LOGIN))));
        await("enable, unit, target, battery written to FFF5", quietly(() -> writes("fff5").size() >= 4));
        assertEquals(List.of("0b0100000000", "020000000000", "010106ffb603", "082400000000"), writes("fff5"));

        mock.ctl("notify", MAC, "fff4", "e100f6ff2e04f6ff");
        Reading first = awaitTemperature(22.5);
        assertEquals("1", first.tags().get("bbq_probe"));
        assertEquals(107.0, awaitTemperature(107.0).number("bbq_temp"));
        mock.ctl("notify", MAC, "fff1", "2470179619 00".replace(" ", ""));
        assertEquals(91.6, publisher.await(r -> r.measurement().equals("bbq_battery"), 1, WAIT).get(0).number("bbq_battery"));

        // bad input: counted and skipped, the driver keeps going
        mock.ctl("notify", MAC, "fff4", "01");
        mock.ctl("notify", MAC, "fff4", "00".repeat(40));
        mock.ctl("notify", MAC, "fff1", "5501");
        mock.ctl("notify", MAC, "fff4", "0a01");
        awaitTemperature(26.6);
        synchronized (status) {
            assertEquals(3, status.errors.size(), status.errors.toString());
        }

        // the link drops: reconnect by address, full login again, data resumes
        mock.ctl("connected", MAC, "false");
        await("second login", quietly(() -> writes("fff2").size() == 2));
        mock.ctl("notify", MAC, "fff4", "1401");
        awaitTemperature(27.6);
        await("reconnect counted", () -> "1".equals(driver.session().details().get("reconnects")));

        // the adapter is powered off and on
        mock.ctl("power", "false");
        await("offline while the adapter is off", () -> lastStatus() != null && lastStatus().state() == DeviceState.OFFLINE);
        mock.ctl("power", "true");
        await("third login", quietly(() -> writes("fff2").size() == 3));
        mock.ctl("notify", MAC, "fff4", "1e01");
        awaitTemperature(28.6);

        // bluetoothd restarts: org.bluez changes owner, every object is new
        mock.stopBluez();
        await("offline while bluetoothd is gone", () -> lastStatus() != null && lastStatus().state() == DeviceState.OFFLINE);
        mock.startBluez();
        mock.ctl("setup", MAC, "iBBQ");
        await("login on the new bluetoothd", quietly(() -> writes("fff2").equals(List.of(LOGIN))));
        mock.ctl("notify", MAC, "fff4", "2801");
        awaitTemperature(29.6);

        // silence: the watchdog disconnects and logs in again
        int logins = writes("fff2").size();
        await("watchdog timeout", () -> Long.parseLong(driver.session().details().get("watchdog_timeouts")) >= 1);
        await("login after the watchdog", quietly(() -> writes("fff2").size() > logins));
        mock.ctl("notify", MAC, "fff4", "3201");
        awaitTemperature(30.6);
        assertTrue(driver.session().reconnects() >= 4, "reconnects: " + driver.session().reconnects());
    }

    @Test
    void findsTheThermometerByScanningAndDecodesAdvertisementsInPassiveMode() throws Exception {
        IbbqDriverConfig active = config("", 10);
        driver = new IbbqDriver(active, publisher, status, central, scheduler, Clock.systemUTC(), true);
        await("login after a scan found it by service FFF0", quietly(() -> writes("fff2").equals(List.of(LOGIN))));
        driver.deactivate();
        driver = null;

        IbbqDriverConfig base = config(MAC, 10);
        IbbqDriverConfig passive = new IbbqDriverConfig() {
            @Override public Class<? extends Annotation> annotationType() { return IbbqDriverConfig.class; }
            @Override public String address() { return base.address(); }
            @Override public String name() { return ""; }
            @Override public String device() { return "pit"; }
            @Override public boolean passive() { return true; }
            @Override public String unit() { return "C"; }
            @Override public String[] targets() { return new String[0]; }
            @Override public int watchdog__seconds() { return 10; }
            @Override public int scan__seconds() { return 2; }
            @Override public int connect__timeout__seconds() { return 5; }
            @Override public int battery__interval__seconds() { return 300; }
            @Override public int max__backoff__seconds() { return 2; }
        };
        driver = new IbbqDriver(passive, publisher, status, central, scheduler, Clock.systemUTC(), true);
        await("scanning", () -> driver.session().phase() == IbbqSession.Phase.PASSIVE);
        mock.ctl("advertise", MAC, "0000a4c138112233f401f6ff");
        assertEquals("1", awaitTemperature(50.0).tags().get("bbq_probe"));
        mock.ctl("advertise", MAC, "0000a4c1");
        mock.ctl("advertise", MAC, "0000a4c138112233fe01");
        awaitTemperature(51.0);
        assertEquals(1, driver.session().malformedFrames());
        assertEquals(1, writes("fff2").size(), "passive mode did not connect");
    }
}
