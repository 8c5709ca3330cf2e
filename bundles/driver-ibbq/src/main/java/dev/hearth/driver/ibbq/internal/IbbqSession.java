package dev.hearth.driver.ibbq.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.DeviceState;
import dev.hearth.driver.ibbq.internal.IbbqCodec.MalformedFrameException;
import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;

/**
 * The link to one iBBQ: find it, connect, log in, keep data flowing, and start over whenever it
 * goes quiet. A state machine driven by {@link #step()}, which the driver calls about once a second
 * from the shared scheduler (never concurrently); BLE callbacks only record what they saw, so the
 * blocking BLE calls in {@code step} never hold a lock a callback needs. Time comes from an
 * injectable clock.
 *
 * <p>Active mode: connect by address (scanning first when the address is not known yet, or a
 * connect by address failed), write the login to FFF2, enable real-time data on FFF5, subscribe to
 * FFF4 and FFF1, write the display unit and the probe targets, ask for the battery every
 * {@link Settings#batteryInterval}. If nothing is notified for {@link Settings#watchdog}, or the link
 * drops, or the adapter goes off or bluetoothd restarts: disconnect and try again after a backoff
 * that doubles per failed attempt up to {@link Settings#maxBackoff}, and is reset by data.
 *
 * <p>Passive mode: scan continuously and decode the probes from the advertisements; the watchdog
 * restarts the scan.
 */
final class IbbqSession {

    private static final Logger LOG = LoggerFactory.getLogger(IbbqSession.class);

    /** What the session needs to know; {@code address} or {@code name} may be empty. */
    record Settings(String address, String name, boolean passive, Duration watchdog, Duration scanTimeout,
            Duration connectTimeout, Duration batteryInterval, Duration maxBackoff) {
        Settings {
            address = address == null ? "" : address.trim().toUpperCase(Locale.ROOT);
            name = name == null ? "" : name.trim();
            Objects.requireNonNull(watchdog, "watchdog");
        }
    }

    /** Where decoded data and state changes go; called from the scheduler or the transport's threads. */
    interface Listener {
        /** One entry per probe, {@code null} for an unplugged probe. */
        void probes(List<Double> celsius, Instant at);

        void battery(IbbqCodec.Battery battery, Instant at);

        /** A frame that was counted and skipped. */
        void malformed(String message);

        void state(DeviceState state, String message);
    }

    enum Phase { IDLE, SCANNING, CONNECTED, PASSIVE }

    private final BleCentral ble;
    private final Settings settings;
    private final Clock clock;
    private final Listener listener;

    // desired device settings, written at every login and on change
    private volatile boolean fahrenheit;
    private final Map<Integer, double[]> targets = new java.util.concurrent.ConcurrentHashMap<>();

    // state owned by step() (one thread at a time)
    private Phase phase = Phase.IDLE;
    private Instant nextAttempt;
    private Instant scanDeadline;
    private Instant nextBattery;
    private int failures;
    private boolean needScan;
    private BleScan scan;
    private AutoCloseable adapterListener;
    private boolean everConnected;

    // written by callbacks
    private volatile String address;
    private volatile BleConnection connection;
    private volatile long generation;
    private volatile String dropReason;
    private volatile Instant lastNotification;
    private volatile Instant connectedSince;
    private volatile boolean dataSinceLogin;
    private volatile boolean closed;
    private volatile boolean adapterReset;
    private volatile boolean adapterBack;

    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong watchdogTimeouts = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private volatile IbbqCodec.Battery lastBattery;
    private volatile List<Double> lastProbes = List.of();
    private volatile String lastError = "";

    IbbqSession(BleCentral ble, Settings settings, boolean fahrenheit, Map<Integer, double[]> targets, Clock clock, Listener listener) {
        this.ble = ble;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.fahrenheit = fahrenheit;
        this.targets.putAll(targets);
        this.address = settings.address();
        this.nextAttempt = clock.instant();
        this.adapterListener = ble.addAdapterListener(this::adapterEvent);
    }

    /** Does whatever is due now. Never throws: a bug is logged and the link started over. */
    void step() {
        if (closed) return;
        try {
            if (settings.passive()) stepPassive();
            else stepActive();
        } catch (RuntimeException e) {
            LOG.error("ibbq {}: unexpected failure, starting over", describe(), e);
            drop("internal error: " + e);
        }
    }

    private void stepActive() {
        Instant now = clock.instant();
        if (adapterReset) {
            adapterReset = false;
            needScan = true; // BlueZ forgets devices when the adapter or the daemon goes away
        }
        if (adapterBack) {
            adapterBack = false;
            failures = 0;
            nextAttempt = now;
        }
        switch (phase) {
            case CONNECTED -> {
                BleConnection c = connection;
                String reason = dropReason;
                if (reason != null || c == null || !c.connected()) {
                    drop(reason != null ? reason : "link lost");
                } else if (Duration.between(lastNotification, now).compareTo(settings.watchdog()) > 0) {
                    watchdogTimeouts.incrementAndGet();
                    drop("no notification for " + settings.watchdog().toSeconds() + " s (watchdog)");
                } else if (!now.isBefore(nextBattery)) {
                    nextBattery = now.plus(settings.batteryInterval());
                    try {
                        c.write(IbbqCodec.SERVICE, IbbqCodec.SETTINGS, IbbqCodec.batteryRequest(), true);
                    } catch (BleException e) {
                        drop("battery request failed: " + e.getMessage());
                    }
                }
            }
            case SCANNING -> {
                String seen = found;
                if (seen != null) {
                    closeScan();
                    address = seen;
                    connect(seen, true);
                } else if (!now.isBefore(scanDeadline)) {
                    closeScan();
                    failed("not found in a " + settings.scanTimeout().toSeconds() + " s scan (" + wanted() + ")", false);
                }
            }
            case IDLE -> {
                if (now.isBefore(nextAttempt)) return;
                if (!ble.available()) {
                    failed("Bluetooth adapter not available", needScan);
                    return;
                }
                if (address.isEmpty() || needScan) startScan(now);
                else connect(address, false);
            }
            default -> throw new IllegalStateException("passive phase in active mode");
        }
    }

    /** The address a running scan found, null until it does. */
    private volatile String found;

    private void startScan(Instant now) {
        found = null;
        try {
            listener.state(DeviceState.CONNECTING, "scanning for " + wanted());
            scan = ble.scan(this::advertisementWhileSearching);
            phase = Phase.SCANNING;
            scanDeadline = now.plus(settings.scanTimeout());
        } catch (BleException e) {
            failed("scan failed: " + e.getMessage(), false);
        }
    }

    private void advertisementWhileSearching(Advertisement a) {
        if (found == null && matches(a)) {
            LOG.info("ibbq: found {} '{}' at {} dBm", a.address(), a.name(), a.rssi());
            found = a.address().toUpperCase(Locale.ROOT);
        }
    }

    boolean matches(Advertisement a) {
        if (!settings.address().isEmpty()) return settings.address().equalsIgnoreCase(a.address());
        if (!settings.name().isEmpty()) return settings.name().equals(a.name());
        return IbbqCodec.NAMES.contains(a.name()) || a.services().contains(IbbqCodec.SERVICE);
    }

    private void connect(String addr, boolean afterScan) {
        Instant start = clock.instant();
        listener.state(DeviceState.CONNECTING, "connecting to " + addr);
        long gen = ++generation;
        dropReason = null;
        BleConnection c = null;
        try {
            c = ble.connect(addr, settings.connectTimeout(), reason -> {
                if (generation == gen) dropReason = reason;
            });
            connection = c;
            if (!c.services().isEmpty() && !c.services().contains(IbbqCodec.SERVICE)) {
                throw new BleException("device has no service FFF0; services " + c.services());
            }
            c.write(IbbqCodec.SERVICE, IbbqCodec.ACCOUNT, IbbqCodec.login(), true);
            c.write(IbbqCodec.SERVICE, IbbqCodec.SETTINGS, IbbqCodec.enableRealtime(), true);
            c.subscribe(IbbqCodec.SERVICE, IbbqCodec.REALTIME, v -> realtime(gen, v));
            c.subscribe(IbbqCodec.SERVICE, IbbqCodec.SETTINGS_RESULT, v -> settingsResult(gen, v));
            c.write(IbbqCodec.SERVICE, IbbqCodec.SETTINGS, IbbqCodec.unit(fahrenheit), true);
            for (Map.Entry<Integer, double[]> t : new ArrayList<>(targets.entrySet())) {
                c.write(IbbqCodec.SERVICE, IbbqCodec.SETTINGS, IbbqCodec.target(t.getKey(), t.getValue()[0], t.getValue()[1]), true);
            }
            c.write(IbbqCodec.SERVICE, IbbqCodec.SETTINGS, IbbqCodec.batteryRequest(), true);
        } catch (BleException | RuntimeException e) {
            if (c != null) c.close();
            connection = null;
            generation++;
            // a device BlueZ no longer knows, or one that moved: look for it again next time
            failed("connecting to " + addr + " failed: " + e.getMessage(), !afterScan);
            return;
        }
        Instant now = clock.instant();
        phase = Phase.CONNECTED;
        needScan = false;
        lastNotification = now; // the watchdog counts from the login
        connectedSince = now;
        dataSinceLogin = false;
        nextBattery = now.plus(settings.batteryInterval());
        if (everConnected) reconnects.incrementAndGet();
        everConnected = true;
        LOG.info("ibbq {}: connected and logged in ({} ms)", addr, Duration.between(start, now).toMillis());
        listener.state(DeviceState.ONLINE, "connected to " + addr + ", logged in");
    }

    private void realtime(long gen, byte[] value) {
        if (gen != generation || closed) return;
        Instant now = clock.instant();
        lastNotification = now;
        notifications.incrementAndGet();
        try {
            List<Double> probes = IbbqCodec.probes(value);
            dataSinceLogin = true;
            lastProbes = probes;
            listener.probes(probes, now);
        } catch (MalformedFrameException e) {
            malformed.incrementAndGet();
            listener.malformed(e.getMessage());
        }
    }

    private void settingsResult(long gen, byte[] value) {
        if (gen != generation || closed) return;
        Instant now = clock.instant();
        lastNotification = now;
        notifications.incrementAndGet();
        try {
            IbbqCodec.Battery b = IbbqCodec.battery(value);
            lastBattery = b;
            listener.battery(b, now);
        } catch (MalformedFrameException e) {
            malformed.incrementAndGet();
            listener.malformed(e.getMessage());
        }
    }

    private void stepPassive() {
        Instant now = clock.instant();
        if (adapterBack) {
            adapterBack = false;
            failures = 0;
            nextAttempt = now;
        }
        adapterReset = false;
        if (phase == Phase.PASSIVE) {
            String reason = dropReason;
            if (reason != null) {
                closeScan();
                failed(reason, false);
            } else if (Duration.between(lastNotification, now).compareTo(settings.watchdog()) > 0) {
                watchdogTimeouts.incrementAndGet();
                closeScan();
                failed("no advertisement for " + settings.watchdog().toSeconds() + " s (watchdog); scanning again", false);
            }
            return;
        }
        if (now.isBefore(nextAttempt)) return;
        dropReason = null;
        long gen = ++generation;
        try {
            scan = ble.scan(a -> advertisement(gen, a));
        } catch (BleException e) {
            failed("scan failed: " + e.getMessage(), false);
            return;
        }
        if (everConnected) reconnects.incrementAndGet();
        everConnected = true;
        phase = Phase.PASSIVE;
        lastNotification = now;
        listener.state(DeviceState.CONNECTING, "listening for advertisements of " + wanted());
    }

    private void advertisement(long gen, Advertisement a) {
        if (gen != generation || closed || !matches(a)) return;
        byte[] data = a.manufacturerData().get(IbbqCodec.COMPANY_ID);
        if (data == null) return; // a scan response without data, or a unit that does not broadcast
        Instant now = clock.instant();
        try {
            List<Double> probes = IbbqCodec.advertisedProbes(data);
            boolean first = !dataSinceLogin;
            lastNotification = now;
            notifications.incrementAndGet();
            dataSinceLogin = true;
            lastProbes = probes;
            address = a.address().toUpperCase(Locale.ROOT);
            if (first) {
                failures = 0;
                listener.state(DeviceState.ONLINE, "receiving advertisements from " + a.address());
            }
            listener.probes(probes, now);
        } catch (MalformedFrameException e) {
            malformed.incrementAndGet();
            listener.malformed(e.getMessage());
        }
    }

    private void adapterEvent(AdapterEvent e) {
        switch (e) {
            case POWERED_OFF, SERVICE_RESTARTED -> {
                adapterReset = true;
                dropReason = e == AdapterEvent.POWERED_OFF ? "adapter powered off" : "bluetooth service restarted";
            }
            case POWERED_ON -> adapterBack = true; // try now, not after the backoff
        }
    }

    /** Ends the current link or scan and schedules the next attempt. */
    private void drop(String reason) {
        BleConnection c = connection;
        connection = null;
        generation++;
        if (c != null) c.close();
        closeScan();
        failed(reason, needScan);
    }

    /** @param rescan whether the next attempt scans rather than connecting to the known address */
    private void failed(String reason, boolean rescan) {
        if (dataSinceLogin) failures = 0; // data flowed since the last attempt: start the backoff over
        dataSinceLogin = false;
        failures++;
        Duration wait = backoff(failures, settings.maxBackoff());
        nextAttempt = clock.instant().plus(wait);
        phase = Phase.IDLE;
        // after a failed direct connect, scan: BlueZ may have forgotten the device, or it advertises under a new address
        needScan = rescan;
        // a thermometer switched off retries every minute for hours: say so once, not every minute
        if (reason.equals(lastError)) LOG.debug("ibbq {}: {}; next try in {} s", describe(), reason, wait.toSeconds());
        else LOG.warn("ibbq {}: {}; next try in {} s", describe(), reason, wait.toSeconds());
        lastError = reason;
        listener.state(DeviceState.OFFLINE, reason + "; next try in " + wait.toSeconds() + " s");
    }

    /** 1 s, doubling per consecutive failure, capped. */
    static Duration backoff(int failures, Duration max) {
        int doublings = Math.min(Math.max(0, failures - 1), 20);
        Duration d = Duration.ofSeconds(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Writes a command now if connected; the desired unit and targets are kept and written at every login. */
    String setUnit(boolean fahrenheit) throws BleException {
        this.fahrenheit = fahrenheit;
        return writeNow(IbbqCodec.unit(fahrenheit), "display unit " + (fahrenheit ? "°F" : "°C"));
    }

    String setTarget(int probe, double lowC, double highC) throws BleException {
        byte[] command = IbbqCodec.target(probe, lowC, highC); // validates before anything is kept
        targets.put(probe, new double[] { lowC, highC });
        return writeNow(command, "probe " + (probe + 1) + " target " + lowC + ".." + highC + " °C");
    }

    private String writeNow(byte[] command, String what) throws BleException {
        if (settings.passive()) throw new BleException("passive mode: the thermometer is not connected, " + what + " not written");
        BleConnection c = connection;
        if (c == null || !c.connected()) return what + " kept; written when the thermometer is connected";
        c.write(IbbqCodec.SERVICE, IbbqCodec.SETTINGS, command, true);
        return what + " written";
    }

    void close() {
        closed = true;
        BleConnection c = connection;
        connection = null;
        if (c != null) c.close();
        closeScan();
        try {
            if (adapterListener != null) adapterListener.close();
        } catch (Exception e) {
            LOG.debug("ibbq: closing the adapter listener", e);
        }
    }

    private void closeScan() {
        BleScan s = scan;
        scan = null;
        if (s != null) s.close();
    }

    private String wanted() {
        if (!settings.address().isEmpty()) return settings.address();
        if (!settings.name().isEmpty()) return "name '" + settings.name() + "'";
        return "names " + IbbqCodec.NAMES + " or service FFF0";
    }

    private String describe() {
        return address.isEmpty() ? wanted() : address;
    }

    Phase phase() {
        return phase;
    }

    String address() {
        return address;
    }

    long reconnects() {
        return reconnects.get();
    }

    long watchdogTimeouts() {
        return watchdogTimeouts.get();
    }

    long malformedFrames() {
        return malformed.get();
    }

    Instant nextAttempt() {
        return nextAttempt;
    }

    /** For {@code hearth:devices}: connection facts and counts, as text. */
    Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("mode", settings.passive() ? "passive" : "connected");
        d.put("phase", phase.name().toLowerCase(Locale.ROOT));
        d.put("address", address.isEmpty() ? "(searching)" : address);
        Instant since = connectedSince;
        if (since != null) d.put("connected_since", since.toString());
        Instant last = lastNotification;
        if (last != null && dataSinceLogin) d.put("last_notification", last.toString());
        d.put("reconnects", String.valueOf(reconnects.get()));
        d.put("watchdog_timeouts", String.valueOf(watchdogTimeouts.get()));
        d.put("notifications", String.valueOf(notifications.get()));
        d.put("malformed_frames", String.valueOf(malformed.get()));
        IbbqCodec.Battery b = lastBattery;
        if (b != null) d.put("battery_percent", String.valueOf(b.percent()));
        List<Double> probes = lastProbes;
        for (int i = 0; i < probes.size(); i++) d.put("probe_" + (i + 1), probes.get(i) == null ? "unplugged" : "plugged");
        if (!lastError.isEmpty()) d.put("last_error", lastError);
        return d;
    }
}
