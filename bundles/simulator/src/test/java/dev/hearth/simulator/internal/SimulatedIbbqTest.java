package dev.hearth.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;

class SimulatedIbbqTest {

    static final String MAC = "5A:11:B8:B0:00:01";
    final SimulatedIbbq sim = new SimulatedIbbq(MAC, "iBBQ", 4, 60, Duration.ofSeconds(30));
    final List<Advertisement> ads = new ArrayList<>();
    final List<byte[]> realtime = new ArrayList<>();
    final List<byte[]> settings = new ArrayList<>();
    final List<String> ended = new ArrayList<>();

    static double probe(byte[] frame, int i) {
        return ((short) ((frame[2 * i] & 0xFF) | (frame[2 * i + 1] & 0xFF) << 8)) / 10.0;
    }

    BleConnection loggedIn() throws BleException {
        BleConnection c = sim.connect(MAC, Duration.ofSeconds(5), ended::add);
        c.subscribe(SimulatedIbbq.SERVICE, SimulatedIbbq.REALTIME, realtime::add);
        c.subscribe(SimulatedIbbq.SERVICE, SimulatedIbbq.SETTINGS_RESULT, settings::add);
        c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.ACCOUNT, SimulatedIbbq.LOGIN, true);
        c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.SETTINGS, HexFormat.of().parseHex("0b0100000000"), true);
        return c;
    }

    @Test
    void advertisesProbesWhileUnconnected() {
        sim.scan(ads::add);
        sim.tick();
        assertEquals(1, ads.size());
        Advertisement a = ads.get(0);
        assertEquals("iBBQ", a.name());
        assertEquals(List.of(SimulatedIbbq.SERVICE), a.services());
        byte[] data = a.manufacturerData().get(0);
        assertEquals(16, data.length, "2 + MAC + 4 probes");
        assertArrayEquals(HexFormat.of().parseHex("5a11b8b00001"), java.util.Arrays.copyOfRange(data, 2, 8));
        assertEquals(0xFFF6, (data[14] & 0xFF) | (data[15] & 0xFF) << 8, "probe 4 unplugged");
    }

    @Test
    void commandsBeforeTheLoginAreIgnoredAndNotificationsFollowIt() throws Exception {
        BleConnection c = sim.connect(MAC, Duration.ofSeconds(5), ended::add);
        c.subscribe(SimulatedIbbq.SERVICE, SimulatedIbbq.REALTIME, realtime::add);
        c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.SETTINGS, HexFormat.of().parseHex("0b0100000000"), true);
        sim.tick();
        assertTrue(realtime.isEmpty(), "no login, no data");
        c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.ACCOUNT, SimulatedIbbq.LOGIN, true);
        c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.SETTINGS, HexFormat.of().parseHex("0b0100000000"), true);
        sim.tick();
        assertEquals(1, realtime.size());
        assertEquals(8, realtime.get(0).length);
        assertTrue(probe(realtime.get(0), 1) < 10, "the meat starts cold");
        assertThrows(BleException.class, () -> c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.REALTIME, new byte[] { 1 }, true));
    }

    @Test
    void batteryRequestIsAnswered() throws Exception {
        BleConnection c = loggedIn();
        c.write(SimulatedIbbq.SERVICE, SimulatedIbbq.SETTINGS, HexFormat.of().parseHex("082400000000"), true);
        assertEquals(1, settings.size());
        assertEquals(0x24, settings.get(0)[0]);
    }

    @Test
    void misbehavesAlternatelyWithADropAndASilence() throws Exception {
        BleConnection c = loggedIn();
        for (int i = 0; i < 30; i++) sim.tick();
        assertEquals(List.of("link lost (simulated)"), ended);
        assertFalse(c.connected());
        assertThrows(BleException.class, () -> sim.connect(MAC, Duration.ofSeconds(1), ended::add), "out of range for a while");
        for (int i = 0; i < SimulatedIbbq.OUT_OF_RANGE_SECONDS; i++) sim.tick();
        BleConnection second = loggedIn();
        int before = realtime.size();
        for (int i = 0; i < 30; i++) sim.tick();
        int atSilence = realtime.size();
        assertTrue(atSilence > before);
        for (int i = 0; i < 20; i++) sim.tick();
        assertEquals(atSilence, realtime.size(), "silent: connected but no notifications");
        assertTrue(second.connected());
        second.close();
        BleConnection third = loggedIn();
        sim.tick();
        assertEquals(atSilence + 1, realtime.size(), "a new connection talks again");
        assertTrue(third.connected());
        assertEquals(2, sim.drops());
        assertThrows(BleException.class, () -> sim.connect("00:00:00:00:00:01", Duration.ofSeconds(1), ended::add));
    }

    @Test
    void cookTimeIsCompressedByTheScale() {
        for (int i = 0; i < 10; i++) sim.tick();
        assertEquals(600.0, sim.cookSeconds());
    }
}
