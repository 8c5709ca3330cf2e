package dev.hearth.driver.ibbq.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;

/** A BLE adapter under the test's control: devices, advertisements, drops, adapter events. Single-threaded. */
final class FakeBle implements BleCentral {

    /** A device the fake adapter can see. */
    static final class Device {
        final String address;
        String name;
        Set<UUID> services = Set.of(IbbqCodec.SERVICE);
        boolean inRange = true;
        /** Whether BlueZ has an object for it (seen in a scan since the adapter started). */
        boolean known;
        Map<Integer, byte[]> manufacturerData = Map.of();

        Device(String address, String name) {
            this.address = address;
            this.name = name;
        }
    }

    final Map<String, Device> devices = new LinkedHashMap<>();
    final List<Consumer<Advertisement>> scans = new CopyOnWriteArrayList<>();
    final List<Consumer<AdapterEvent>> adapterListeners = new CopyOnWriteArrayList<>();
    final List<FakeConnection> connections = new ArrayList<>();
    boolean available = true;
    int scansStarted;
    int connectAttempts;
    BleException failWritesOnNewConnections;

    Device add(String address, String name) {
        Device d = new Device(address, name);
        devices.put(address, d);
        return d;
    }

    @Override
    public BleScan scan(Consumer<Advertisement> listener) throws BleException {
        if (!available) throw new BleException("adapter off");
        scansStarted++;
        scans.add(listener);
        // what an adapter reports right away: every device in range that is not connected
        for (Device d : devices.values()) {
            if (d.inRange && connections.stream().noneMatch(c -> c.address.equals(d.address) && c.connected())) {
                d.known = true;
                listener.accept(advertisement(d));
            }
        }
        return () -> scans.remove(listener);
    }

    Advertisement advertisement(Device d) {
        return new Advertisement(d.address, d.name, -60, List.copyOf(d.services), d.manufacturerData, Instant.EPOCH);
    }

    void advertise(Advertisement a) {
        scans.forEach(s -> s.accept(a));
    }

    @Override
    public BleConnection connect(String address, Duration timeout, Consumer<String> events) throws BleException {
        connectAttempts++;
        if (!available) throw new BleException("adapter off");
        Device d = devices.get(address);
        if (d == null || !d.known) throw new BleException("device " + address + " not known to the adapter");
        if (!d.inRange) throw new BleException("connect timed out");
        FakeConnection c = new FakeConnection(d, events);
        c.failWrites = failWritesOnNewConnections;
        connections.add(c);
        return c;
    }

    FakeConnection last() {
        return connections.get(connections.size() - 1);
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public AutoCloseable addAdapterListener(Consumer<AdapterEvent> listener) {
        adapterListeners.add(listener);
        return () -> adapterListeners.remove(listener);
    }

    void fire(AdapterEvent e) {
        if (e != AdapterEvent.POWERED_ON) {
            available = e != AdapterEvent.POWERED_OFF;
            new ArrayList<>(connections).forEach(c -> c.drop(e.name()));
            devices.values().forEach(d -> d.known = false);
        } else {
            available = true;
        }
        adapterListeners.forEach(l -> l.accept(e));
    }

    /** One connection: records writes and subscriptions; the test notifies and drops. */
    static final class FakeConnection implements BleConnection {
        final String address;
        final Device device;
        final Consumer<String> events;
        final List<String> writes = new ArrayList<>();
        final Map<UUID, Consumer<byte[]>> subscriptions = new LinkedHashMap<>();
        boolean open = true;
        BleException failWrites;

        FakeConnection(Device d, Consumer<String> events) {
            this.device = d;
            this.address = d.address;
            this.events = events;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public boolean connected() {
            return open;
        }

        @Override
        public Set<UUID> services() {
            return device.services;
        }

        @Override
        public byte[] read(UUID service, UUID characteristic) throws BleException {
            throw new BleException("not readable");
        }

        @Override
        public void write(UUID service, UUID characteristic, byte[] value, boolean withResponse) throws BleException {
            if (!open) throw new BleException("not connected");
            if (failWrites != null) throw failWrites;
            writes.add(String.format("%04X:%s", (int) (characteristic.getMostSignificantBits() >>> 32), HexFormat.of().formatHex(value)));
        }

        @Override
        public AutoCloseable subscribe(UUID service, UUID characteristic, Consumer<byte[]> listener) throws BleException {
            if (!open) throw new BleException("not connected");
            subscriptions.put(characteristic, listener);
            writes.add(String.format("%04X:subscribe", (int) (characteristic.getMostSignificantBits() >>> 32)));
            return () -> subscriptions.remove(characteristic);
        }

        void notify(UUID characteristic, byte[] value) {
            Consumer<byte[]> l = subscriptions.get(characteristic);
            if (open && l != null) l.accept(value);
        }

        void drop(String reason) {
            if (!open) return;
            open = false;
            events.accept(reason);
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-07-04T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
