package dev.hearth.simulator.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;
import dev.hearth.transport.ble.BleUuids;

/**
 * One simulated iBBQ behind the BLE API, speaking the device's protocol (login on FFF2, commands on
 * FFF5, real-time data on FFF4, battery on FFF1, advertisements while unconnected) so the driver's
 * real decoding and reconnect code runs. Driven by {@link #tick}, once a real second. Every
 * {@code dropEvery} it misbehaves, alternating: the link drops and the device is out of range for a
 * few seconds, or the link stays up but goes silent until the driver gives up on it. No OSGi.
 */
final class SimulatedIbbq implements BleCentral {

    static final UUID SERVICE = BleUuids.of16(0xFFF0);
    static final UUID SETTINGS_RESULT = BleUuids.of16(0xFFF1);
    static final UUID ACCOUNT = BleUuids.of16(0xFFF2);
    static final UUID REALTIME = BleUuids.of16(0xFFF4);
    static final UUID SETTINGS = BleUuids.of16(0xFFF5);
    static final byte[] LOGIN = HexFormat.of().parseHex("2107060504030201b8220000000000");
    /** How long the thermometer stays out of range after a drop, real seconds. */
    static final int OUT_OF_RANGE_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedIbbq.class);

    private final String address;
    private final String name;
    private final int probes;
    private final double timeScale;
    private final long dropEvery;
    private final CookModel cook = new CookModel();
    private final List<Consumer<Advertisement>> scans = new CopyOnWriteArrayList<>();
    private final List<Consumer<AdapterEvent>> adapterListeners = new CopyOnWriteArrayList<>();

    private long seconds;
    private long outOfRangeUntil;
    private boolean nextDropSilent;
    private Link link;
    private long drops;

    SimulatedIbbq(String address, String name, int probes, double timeScale, Duration dropEvery) {
        this.address = address.toUpperCase(Locale.ROOT);
        this.name = name;
        this.probes = probes;
        this.timeScale = timeScale;
        this.dropEvery = dropEvery.toSeconds();
    }

    /** One real second: the cook advances, the device notifies or advertises, and now and then misbehaves. */
    void tick() {
        Link l;
        Advertisement ad = null;
        synchronized (this) {
            seconds++;
            cook.advance(timeScale);
            l = link;
            if (dropEvery > 0 && seconds % dropEvery == 0 && l != null) {
                drops++;
                if (nextDropSilent) {
                    LOG.info("ibbq simulator: the link goes silent (drop {})", drops);
                    l.silent = true;
                } else {
                    LOG.info("ibbq simulator: the link drops, out of range for {} s (drop {})", OUT_OF_RANGE_SECONDS, drops);
                    outOfRangeUntil = seconds + OUT_OF_RANGE_SECONDS;
                    link = null;
                }
                nextDropSilent = !nextDropSilent;
            }
            if (link == null && seconds >= outOfRangeUntil) ad = advertisement();
        }
        if (l != null && link == null) l.end("link lost (simulated)");
        else if (l != null) l.tick();
        if (ad != null) for (Consumer<Advertisement> s : scans) s.accept(ad);
    }

    private Advertisement advertisement() {
        byte[] frame = realtimeFrame();
        byte[] data = new byte[8 + frame.length];
        byte[] mac = HexFormat.of().parseHex(address.replace(":", ""));
        System.arraycopy(mac, 0, data, 2, 6);
        System.arraycopy(frame, 0, data, 8, frame.length);
        return new Advertisement(address, name, -58 - (int) (seconds % 7), List.of(SERVICE), Map.of(0, data), Instant.now());
    }

    /** The probes as the device sends them: int16 LE tenths of °C, 0xFFF6 for an unplugged probe. */
    synchronized byte[] realtimeFrame() {
        double[] t = cook.probes(probes);
        byte[] out = new byte[2 * probes];
        for (int i = 0; i < probes; i++) {
            int raw = Double.isNaN(t[i]) ? 0xFFF6 : (int) Math.round(t[i] * 10);
            out[2 * i] = (byte) raw;
            out[2 * i + 1] = (byte) (raw >> 8);
        }
        return out;
    }

    synchronized byte[] batteryReply() {
        int v = cook.batteryVoltage();
        int max = CookModel.BATTERY_MAX;
        return new byte[] { 0x24, (byte) v, (byte) (v >> 8), (byte) max, (byte) (max >> 8), 0 };
    }

    synchronized double cookSeconds() {
        return cook.time();
    }

    synchronized long drops() {
        return drops;
    }

    @Override
    public BleScan scan(Consumer<Advertisement> listener) {
        scans.add(listener);
        return () -> scans.remove(listener);
    }

    @Override
    public synchronized BleConnection connect(String address, Duration timeout, Consumer<String> events) throws BleException {
        if (!this.address.equalsIgnoreCase(address.trim())) throw new BleException("device " + address + " not found");
        if (seconds < outOfRangeUntil) throw new BleException("connecting to " + address + " timed out (out of range)");
        if (link != null) {
            Link old = link;
            link = null;
            old.end("replaced by a new connection");
        }
        link = new Link(events);
        return link;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public AutoCloseable addAdapterListener(Consumer<AdapterEvent> listener) {
        adapterListeners.add(listener);
        return () -> adapterListeners.remove(listener);
    }

    /** The device side of one connection. */
    private final class Link implements BleConnection {
        private final Consumer<String> events;
        private final Map<UUID, Consumer<byte[]>> subscribers = new ConcurrentHashMap<>();
        private volatile boolean open = true;
        private volatile boolean loggedIn;
        private volatile boolean realtime;
        /** The display unit: kept, as the device keeps it; the data stays in °C. */
        private volatile boolean fahrenheit;
        volatile boolean silent;

        Link(Consumer<String> events) {
            this.events = events;
        }

        void tick() {
            if (!open || silent || !realtime) return;
            Consumer<byte[]> l = subscribers.get(REALTIME);
            if (l != null) l.accept(realtimeFrame());
        }

        void end(String reason) {
            if (!open) return;
            open = false;
            events.accept(reason);
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
            return Set.of(SERVICE);
        }

        @Override
        public byte[] read(UUID service, UUID characteristic) throws BleException {
            throw new BleException(characteristic + " is not readable");
        }

        @Override
        public void write(UUID service, UUID characteristic, byte[] value, boolean withResponse) throws BleException {
            if (!open) throw new BleException("not connected");
            if (!SERVICE.equals(service)) throw new BleException("no service " + service);
            if (ACCOUNT.equals(characteristic)) {
                loggedIn = Arrays.equals(LOGIN, value);
                return;
            }
            if (!SETTINGS.equals(characteristic)) throw new BleException(characteristic + " is not writable");
            if (!loggedIn || value.length < 2) return; // the real device ignores commands before the login
            switch (value[0]) {
                case 0x0B -> realtime = value[1] == 1;
                case 0x02 -> fahrenheit = value[1] == 1;
                case 0x08 -> {
                    Consumer<byte[]> l = subscribers.get(SETTINGS_RESULT);
                    if (l != null && value[1] == 0x24 && !silent) l.accept(batteryReply());
                }
                default -> { } // targets: the display's business
            }
        }

        @Override
        public AutoCloseable subscribe(UUID service, UUID characteristic, Consumer<byte[]> listener) throws BleException {
            if (!open) throw new BleException("not connected");
            if (!REALTIME.equals(characteristic) && !SETTINGS_RESULT.equals(characteristic)) throw new BleException(characteristic + " does not notify");
            subscribers.put(characteristic, listener);
            return () -> subscribers.remove(characteristic, listener);
        }

        @Override
        public void close() {
            synchronized (SimulatedIbbq.this) {
                if (link == this) link = null;
            }
            end("closed");
        }
    }
}
