package dev.hearth.transport.ble.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;
import dev.hearth.transport.ble.BleUuids;
import dev.hearth.testkit.BluezMock;

/**
 * {@link BluezCentral} against BlueZ's D-Bus API as python3-dbusmock's bluez5 template serves it on
 * a private dbus-daemon, with GATT objects added by src/test/python/bluez_ctl.py. Waits are bounded
 * and generous; nothing asserts on speed.
 */
class BluezCentralTest {

    static final String MAC = "A4:C1:38:11:22:33";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final java.util.UUID FFF0 = BleUuids.of16(0xFFF0), FFF4 = BleUuids.of16(0xFFF4), FFF5 = BleUuids.of16(0xFFF5);

    BluezMock mock;
    BluezCentral central;
    final List<Advertisement> ads = new CopyOnWriteArrayList<>();
    final List<AdapterEvent> adapterEvents = new CopyOnWriteArrayList<>();
    final List<String> ended = new CopyOnWriteArrayList<>();
    final List<String> values = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        mock = new BluezMock();
        mock.ctl("setup", MAC, "iBBQ");
        central = new BluezCentral(mock.address(), "");
        central.addAdapterListener(adapterEvents::add);
    }

    @AfterEach
    void stop() throws Exception {
        if (central != null) central.close();
        if (mock != null) mock.close();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + WAIT + ": " + what);
            Thread.sleep(50);
        }
    }

    BleConnection connect() throws BleException {
        return central.connect(MAC.toLowerCase(), Duration.ofSeconds(10), ended::add);
    }

    @Test
    void scanReportsKnownDevicesAndAdvertisedManufacturerData() throws Exception {
        assertTrue(central.available());
        try (BleScan scan = central.scan(ads::add)) {
            assertEquals(1, ads.size(), "the known device is reported at once");
            Advertisement a = ads.get(0);
            assertEquals(MAC, a.address());
            assertEquals("iBBQ", a.name());
            assertEquals(List.of(FFF0), a.services());
            assertEquals(-60, a.rssi());
            mock.ctl("advertise", MAC, "0000a4c138112233e100f6ff");
            await("advertisement with data", () -> ads.stream().anyMatch(x -> x.manufacturerData().containsKey(0)));
            Advertisement withData = ads.stream().filter(x -> x.manufacturerData().containsKey(0)).findFirst().get();
            assertArrayEquals(HexFormat.of().parseHex("0000a4c138112233e100f6ff"), withData.manufacturerData().get(0));
        }
        int seen = ads.size();
        mock.ctl("advertise", MAC, "0000a4c138112233e200f6ff");
        Thread.sleep(300); // nothing may arrive after the scan is closed; a late delivery would show here
        assertEquals(seen, ads.size());
    }

    @Test
    void writesNotificationsReadsAndADroppedLink() throws Exception {
        assertThrows(BleException.class, () -> central.connect("00:11:22:33:44:55", Duration.ofSeconds(1), ended::add));
        BleConnection c = connect();
        assertTrue(c.connected());
        assertEquals(Set.of(FFF0), c.services());
        c.write(FFF0, BleUuids.of16(0xFFF2), HexFormat.of().parseHex("2107060504030201b8220000000000"), true);
        c.write(FFF0, FFF5, HexFormat.of().parseHex("0b0100000000"), false);
        assertEquals(List.of("2107060504030201b8220000000000"), mock.ctl("writes", MAC, "fff2"));
        assertEquals(List.of("0b0100000000"), mock.ctl("writes", MAC, "fff5"));
        assertThrows(BleException.class, () -> c.write(FFF0, BleUuids.of16(0x2A00), new byte[] { 1 }, true), "no such characteristic");

        AutoCloseable sub = c.subscribe(FFF0, FFF4, v -> values.add(HexFormat.of().formatHex(v)));
        mock.ctl("notify", MAC, "fff4", "e100f6ff");
        await("notification", () -> values.contains("e100f6ff"));
        assertArrayEquals(HexFormat.of().parseHex("e100f6ff"), c.read(FFF0, FFF4));
        sub.close();
        mock.ctl("notify", MAC, "fff4", "e200f6ff");
        mock.ctl("notify", MAC, "fff4", "e300f6ff");
        await("value mirrored", () -> { try { return c.read(FFF0, FFF4)[0] == (byte) 0xe3; } catch (BleException e) { return false; } });
        assertFalse(values.contains("e200f6ff"), "unsubscribed");

        mock.ctl("connected", MAC, "false");
        await("link end reported", () -> !ended.isEmpty());
        assertEquals("link lost (Connected=false)", ended.get(0));
        assertFalse(c.connected());
        assertThrows(BleException.class, () -> c.write(FFF0, FFF5, new byte[] { 1 }, true));

        BleConnection again = connect();
        assertTrue(again.connected());
        again.close();
        assertEquals(2, ended.size(), "closing is reported too");
    }

    @Test
    void objectsAddedAfterStartAreMirroredFromSignals() throws Exception {
        try (BluezMock empty = new BluezMock(); BluezCentral late = new BluezCentral(empty.address(), "")) {
            assertFalse(late.available(), "no adapter yet");
            empty.ctl("setup", MAC, "iBBQ");
            await("adapter from InterfacesAdded", late::available);
            BleConnection c = late.connect(MAC, Duration.ofSeconds(10), ended::add);
            assertEquals(Set.of(FFF0), c.services());
            c.write(FFF0, FFF5, new byte[] { 1 }, true);
            assertEquals(List.of("01"), empty.ctl("writes", MAC, "fff5"));
        }
    }

    @Test
    void adapterPowerAndBluetoothdRestart() throws Exception {
        BleConnection c = connect();
        mock.ctl("power", "false");
        await("powered off", () -> adapterEvents.contains(AdapterEvent.POWERED_OFF));
        assertFalse(central.available());
        assertEquals(List.of("adapter powered off"), ended);
        assertThrows(BleException.class, () -> central.scan(ads::add).close());
        mock.ctl("power", "true");
        await("powered on", () -> adapterEvents.contains(AdapterEvent.POWERED_ON));
        assertTrue(central.available());

        BleConnection d = connect();
        mock.stopBluez();
        await("service gone", () -> adapterEvents.contains(AdapterEvent.SERVICE_RESTARTED));
        assertFalse(d.connected());
        assertEquals("bluetooth service stopped", ended.get(ended.size() - 1));
        assertFalse(central.available());
        assertThrows(BleException.class, this::connect);
        int ons = (int) adapterEvents.stream().filter(e -> e == AdapterEvent.POWERED_ON).count();
        mock.startBluez();
        mock.ctl("setup", MAC, "iBBQ");
        await("available again", () -> central.available());
        await("device known again", () -> { try { connect().close(); return true; } catch (BleException e) { return false; } });
        BleConnection e = connect();
        AutoCloseable sub = e.subscribe(FFF0, FFF4, v -> values.add(HexFormat.of().formatHex(v)));
        mock.ctl("notify", MAC, "fff4", "0a01");
        await("notification from the new bluetoothd", () -> values.contains("0a01"));
        sub.close();
        assertTrue(adapterEvents.stream().filter(x -> x == AdapterEvent.POWERED_ON).count() >= ons, adapterEvents.toString());
        assertFalse(c.connected());
    }
}
