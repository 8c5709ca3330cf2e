package dev.hearth.driver.ibbq.internal;

import static dev.hearth.driver.ibbq.internal.IbbqCodec.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.hearth.api.DeviceState;
import dev.hearth.driver.ibbq.internal.FakeBle.FakeConnection;
import dev.hearth.driver.ibbq.internal.IbbqSession.Phase;
import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleException;

class IbbqSessionTest {

    static final String MAC = "A4:C1:38:11:22:33";
    static final List<String> LOGIN_SEQUENCE = List.of(
            "FFF2:2107060504030201b8220000000000",
            "FFF5:0b0100000000",
            "FFF4:subscribe",
            "FFF1:subscribe",
            "FFF5:020000000000",
            "FFF5:082400000000");

    final FakeBle ble = new FakeBle();
    final FakeBle.MutableClock clock = new FakeBle.MutableClock();
    final List<List<Double>> probes = new ArrayList<>();
    final List<IbbqCodec.Battery> batteries = new ArrayList<>();
    final List<String> malformed = new ArrayList<>();
    final List<String> states = new ArrayList<>();

    final IbbqSession.Listener listener = new IbbqSession.Listener() {
        @Override
        public void probes(List<Double> celsius, Instant at) {
            probes.add(celsius);
        }

        @Override
        public void battery(IbbqCodec.Battery battery, Instant at) {
            batteries.add(battery);
        }

        @Override
        public void malformed(String message) {
            malformed.add(message);
        }

        @Override
        public void state(DeviceState state, String message) {
            states.add(state + " " + message);
        }
    };

    IbbqSession session(String address, String name, boolean passive) {
        return session(address, name, passive, Map.of());
    }

    IbbqSession session(String address, String name, boolean passive, Map<Integer, double[]> targets) {
        IbbqSession.Settings s = new IbbqSession.Settings(address, name, passive, Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60));
        return new IbbqSession(ble, s, false, targets, clock, listener);
    }

    /** Runs step() once a second for {@code seconds}, as the driver's scheduled task does. */
    void run(IbbqSession s, int seconds) {
        for (int i = 0; i < seconds; i++) {
            s.step();
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void connectsByNameLogsInAndDecodesNotifications() {
        ble.add("11:22:33:44:55:66", "SomethingElse").services = java.util.Set.of();
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false);
        s.step(); // scan starts and sees the devices
        s.step(); // connects to the match
        assertEquals(Phase.CONNECTED, s.phase());
        FakeConnection c = ble.last();
        assertEquals(MAC, c.address);
        assertEquals(LOGIN_SEQUENCE, c.writes);
        c.notify(IbbqCodec.REALTIME, hex("E1 00 F6 FF 2E 04 F6 FF"));
        assertEquals(List.of(Arrays.asList(22.5, null, 107.0, null)), probes);
        c.notify(IbbqCodec.SETTINGS_RESULT, hex("24 70 17 96 19 00"));
        assertEquals(91.6, batteries.get(0).percent());
        assertEquals("unplugged", s.details().get("probe_2"));
        assertEquals("plugged", s.details().get("probe_3"));
    }

    @Test
    void findsByServiceWhenTheNameIsUnusual() {
        ble.add("11:22:33:44:55:66", "Other").services = java.util.Set.of();
        ble.add(MAC, "IBT-4XS");
        IbbqSession s = session("", "", false);
        run(s, 2);
        assertEquals(MAC, ble.last().address);
    }

    @Test
    void xbbqNameAndConfiguredNameMatch() {
        ble.add(MAC, "xBBQ").services = java.util.Set.of();
        IbbqSession s = session("", "", false);
        run(s, 2);
        assertEquals(Phase.CONNECTED, s.phase());
        IbbqSession named = session("", "Grill", false);
        assertTrue(named.matches(new Advertisement("X", "Grill", 0, List.of(), Map.of(), null)));
        assertFalse(named.matches(new Advertisement("X", "iBBQ", 0, List.of(), Map.of(), null)));
    }

    @Test
    void connectsDirectlyToAConfiguredKnownAddressWithoutScanning() {
        ble.add(MAC, "iBBQ").known = true;
        IbbqSession s = session(MAC.toLowerCase(), "", false);
        s.step();
        assertEquals(Phase.CONNECTED, s.phase());
        assertEquals(0, ble.scansStarted);
    }

    @Test
    void watchdogDisconnectsAndTheNextAttemptLogsInAgain() {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session(MAC, "", false);
        run(s, 3); // direct connect fails (adapter does not know it), scan, connect
        assertEquals(Phase.CONNECTED, s.phase());
        FakeConnection first = ble.last();
        first.notify(IbbqCodec.REALTIME, hex("FA 00"));
        run(s, 15);
        assertEquals(Phase.CONNECTED, s.phase(), "15 s is not yet over the watchdog");
        run(s, 2);
        assertFalse(first.connected(), "the watchdog disconnected the silent link");
        assertEquals(1, s.watchdogTimeouts());
        assertTrue(states.stream().anyMatch(x -> x.startsWith("OFFLINE no notification for 15 s")), states.toString());
        run(s, 3);
        FakeConnection second = ble.last();
        assertNotSame(first, second);
        assertEquals(LOGIN_SEQUENCE, second.writes, "full login again");
        assertEquals(1, s.reconnects());
        assertEquals("1", s.details().get("reconnects"));
        second.notify(IbbqCodec.REALTIME, hex("FB 00"));
        assertEquals(List.of(25.1), probes.get(probes.size() - 1));
        // notifications from the old connection are ignored
        first.open = true;
        first.notify(IbbqCodec.REALTIME, hex("00 01"));
        assertEquals(2, probes.size());
    }

    @Test
    void linkDropReconnectsByAddressAfterOneSecond() {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false);
        run(s, 2);
        FakeConnection first = ble.last();
        first.notify(IbbqCodec.REALTIME, hex("FA 00"));
        first.drop("link lost (0x08 supervision timeout)");
        int scans = ble.scansStarted;
        s.step();
        assertEquals(Phase.IDLE, s.phase());
        assertEquals(clock.instant().plusSeconds(1), s.nextAttempt());
        clock.advance(Duration.ofSeconds(1));
        s.step();
        assertEquals(Phase.CONNECTED, s.phase());
        assertEquals(scans, ble.scansStarted, "the known address is connected to directly");
        assertEquals(2, ble.connections.size());
    }

    @Test
    void outOfRangeBacksOffExponentiallyUpToTheCapAndRecovers() {
        FakeBle.Device d = ble.add(MAC, "iBBQ");
        d.known = true;
        IbbqSession s = session(MAC, "", false);
        s.step();
        ble.last().notify(IbbqCodec.REALTIME, hex("FA 00"));
        d.inRange = false;
        ble.last().drop("out of range");
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            s.step();
            if (s.phase() == Phase.SCANNING) {
                clock.advance(Duration.ofSeconds(10));
                s.step();
            }
            waits.add(Duration.between(clock.instant(), s.nextAttempt()).toSeconds());
            clock.advance(Duration.between(clock.instant(), s.nextAttempt()));
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L, 60L), waits);
        assertTrue(ble.scansStarted > 0, "attempts alternate with rescans");
        d.inRange = true;
        run(s, 3);
        assertEquals(Phase.CONNECTED, s.phase());
        ble.last().notify(IbbqCodec.REALTIME, hex("FA 00"));
        ble.last().drop("again");
        s.step();
        assertEquals(clock.instant().plusSeconds(1), s.nextAttempt(), "data reset the backoff");
    }

    @Test
    void batteryIsAskedForEveryFiveMinutes() {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false);
        run(s, 2);
        FakeConnection c = ble.last();
        long initial = c.writes.stream().filter(w -> w.equals("FFF5:082400000000")).count();
        assertEquals(1, initial);
        for (int i = 0; i < 610; i++) {
            c.notify(IbbqCodec.REALTIME, hex("FA 00"));
            s.step();
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(3, c.writes.stream().filter(w -> w.equals("FFF5:082400000000")).count());
        assertEquals(0, s.reconnects());
    }

    @Test
    void badNotificationsAreCountedAndSkippedAndTheLinkStays() {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false);
        run(s, 2);
        FakeConnection c = ble.last();
        c.notify(IbbqCodec.REALTIME, new byte[0]);
        c.notify(IbbqCodec.REALTIME, hex("FA 00 01"));
        c.notify(IbbqCodec.REALTIME, new byte[512]);
        c.notify(IbbqCodec.SETTINGS_RESULT, hex("55 01 02"));
        c.notify(IbbqCodec.SETTINGS_RESULT, hex("24 01"));
        assertEquals(5, s.malformedFrames());
        assertEquals(5, malformed.size());
        c.notify(IbbqCodec.REALTIME, hex("FA 00 04 01"));
        assertEquals(List.of(List.of(25.0, 26.0)), probes);
        run(s, 5);
        assertEquals(Phase.CONNECTED, s.phase());
        assertEquals("5", s.details().get("malformed_frames"));
    }

    @Test
    void adapterOffDropsAndOnRetriesAtOnce() {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false);
        run(s, 2);
        ble.last().notify(IbbqCodec.REALTIME, hex("FA 00"));
        ble.fire(AdapterEvent.POWERED_OFF);
        run(s, 40);
        assertTrue(s.phase() != Phase.CONNECTED);
        int attempts = ble.connections.size();
        ble.fire(AdapterEvent.POWERED_ON);
        run(s, 3);
        assertEquals(Phase.CONNECTED, s.phase());
        assertEquals(attempts + 1, ble.connections.size());
    }

    @Test
    void bluetoothServiceRestartIsSurvived() {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false);
        run(s, 2);
        ble.last().notify(IbbqCodec.REALTIME, hex("FA 00"));
        ble.fire(AdapterEvent.SERVICE_RESTARTED); // BlueZ forgot every device
        run(s, 6); // direct connect fails, then a scan finds it again
        assertEquals(Phase.CONNECTED, s.phase());
        ble.last().notify(IbbqCodec.REALTIME, hex("2C 01"));
        assertEquals(List.of(30.0), probes.get(probes.size() - 1));
        assertEquals(1, s.reconnects());
    }

    @Test
    void targetsAndUnitAreWrittenNowAndAtEveryLogin() throws Exception {
        ble.add(MAC, "iBBQ");
        IbbqSession s = session("", "", false, Map.of(0, new double[] { -25.0, 95.0 }));
        run(s, 2);
        assertTrue(ble.last().writes.contains("FFF5:010006ffb603"), ble.last().writes.toString());
        assertEquals("probe 2 target -25.0..70.0 °C written", s.setTarget(1, -25.0, 70.0));
        assertTrue(ble.last().writes.contains("FFF5:010106ffbc02"));
        s.setUnit(true);
        assertTrue(ble.last().writes.contains("FFF5:020100000000"));
        assertThrows(IllegalArgumentException.class, () -> s.setTarget(7, 0, 50));
        ble.last().drop("gone");
        assertTrue(s.setTarget(2, -25.0, 60.0).contains("kept"), "not connected: kept for the next login");
        run(s, 3);
        List<String> w = ble.last().writes;
        assertTrue(w.contains("FFF5:020100000000") && w.contains("FFF5:010006ffb603") && w.contains("FFF5:010106ffbc02")
                && w.contains("FFF5:010206ff5802"), w.toString());
    }

    @Test
    void aFailingLoginClosesTheConnectionAndCountsAsAFailedAttempt() {
        ble.add(MAC, "iBBQ").known = true;
        ble.failWritesOnNewConnections = new BleException("GATT write failed");
        IbbqSession s = session(MAC, "", false);
        s.step();
        assertEquals(Phase.IDLE, s.phase());
        assertFalse(ble.last().connected(), "a half-logged-in link is not left open");
        assertTrue(states.get(states.size() - 1).contains("GATT write failed"), states.toString());
        assertTrue(s.details().get("last_error").contains("GATT write failed"));
        ble.failWritesOnNewConnections = null;
        run(s, 4);
        assertEquals(Phase.CONNECTED, s.phase());
        assertEquals(0, s.reconnects(), "the first successful login is no reconnect");
    }

    @Test
    void passiveModeDecodesAdvertisementsAndSkipsGarbage() {
        IbbqSession s = session("", "", true);
        s.step();
        assertEquals(Phase.PASSIVE, s.phase());
        assertEquals(1, ble.scansStarted);
        ble.advertise(new Advertisement(MAC, "iBBQ", -70, List.of(), Map.of(0, hex("0000 A4C138112233 E100 F6FF 2E04 FFFF")), null));
        assertEquals(List.of(Arrays.asList(22.5, null, 107.0, null)), probes);
        ble.advertise(new Advertisement(MAC, "iBBQ", -70, List.of(), Map.of(0, hex("0000 A4C1")), null));
        ble.advertise(new Advertisement(MAC, "iBBQ", -70, List.of(), Map.of(0, new byte[300]), null));
        ble.advertise(new Advertisement("00:00:00:00:00:01", "Phone", -70, List.of(), Map.of(0, hex("0000 A4C138112233 E100")), null));
        ble.advertise(new Advertisement(MAC, "iBBQ", -70, List.of(), Map.of(), null)); // no data: ignored
        assertEquals(2, s.malformedFrames());
        assertEquals(1, probes.size());
        assertEquals(0, ble.connectAttempts, "passive mode never connects");
        run(s, 17);
        assertEquals(1, s.watchdogTimeouts());
        run(s, 2);
        assertEquals(2, ble.scansStarted, "the watchdog restarted the scan");
        assertThrows(BleException.class, () -> s.setTarget(0, 0, 50));
    }

    @Test
    void backoffIsCappedAndNeverOverflows() {
        assertEquals(Duration.ofSeconds(1), IbbqSession.backoff(0, Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(1), IbbqSession.backoff(1, Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(32), IbbqSession.backoff(6, Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(60), IbbqSession.backoff(7, Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(60), IbbqSession.backoff(Integer.MAX_VALUE, Duration.ofSeconds(60)));
    }
}
