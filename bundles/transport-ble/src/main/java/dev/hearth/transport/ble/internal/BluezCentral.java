package dev.hearth.transport.ble.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.bluez.Adapter1;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.freedesktop.dbus.DBusAsyncReply;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;

/**
 * {@link BleCentral} over BlueZ's D-Bus API (bluetoothd ≥ 5.50). Keeps a mirror of BlueZ's objects
 * (adapters, devices, GATT services and characteristics), fed by {@code GetManagedObjects} and the
 * {@code InterfacesAdded}/{@code InterfacesRemoved}/{@code PropertiesChanged} signals; advertisements,
 * notifications and link state come from that mirror. Watches the owner of {@code org.bluez}: when
 * bluetoothd goes away every connection ends, and when it comes back the mirror is reloaded and
 * running scans are restarted. No OSGi in here.
 *
 * <p>Signal handlers only update the mirror and call listeners; they never call D-Bus, which could
 * deadlock dbus-java's signal dispatch.
 */
public final class BluezCentral implements BleCentral, AutoCloseable {

    static final String BUS_NAME = "org.bluez";
    static final String ADAPTER = "org.bluez.Adapter1";
    static final String DEVICE = "org.bluez.Device1";
    static final String SERVICE = "org.bluez.GattService1";
    static final String CHARACTERISTIC = "org.bluez.GattCharacteristic1";
    /** Bounds every D-Bus call that has no timeout of its own. */
    static final Duration DISCONNECT_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(BluezCentral.class);

    private final String address;
    private final String adapterName;
    private final DBusConnection bus;
    private final List<AutoCloseable> handlers = new ArrayList<>();

    /** The mirror: object path → interface → property → plain value. Guarded by {@code this}. */
    private final Map<String, Map<String, Map<String, Object>>> objects = new HashMap<>();
    private boolean loaded;
    private final List<Consumer<Advertisement>> scans = new CopyOnWriteArrayList<>();
    private final List<Consumer<AdapterEvent>> adapterListeners = new CopyOnWriteArrayList<>();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param address the D-Bus address, empty for the system bus
     * @param adapterName {@code hci0} and so on, empty for the first adapter
     */
    public BluezCentral(String address, String adapterName) throws BleException {
        this.address = address == null ? "" : address.trim();
        this.adapterName = adapterName == null ? "" : adapterName.trim();
        try {
            DBusConnectionBuilder builder = this.address.isEmpty() ? DBusConnectionBuilder.forSystemBus()
                    : DBusConnectionBuilder.forAddress(this.address);
            // in OSGi the transport (unix socket) is found by ServiceLoader in the bluez-dbus bundle's own class path
            bus = builder.withShared(false).transportConfig().withServiceLoaderClassLoader(DBusConnection.class.getClassLoader()).back().build();
            handlers.add(bus.addSigHandler(ObjectManager.InterfacesAdded.class, this::interfacesAdded));
            handlers.add(bus.addSigHandler(ObjectManager.InterfacesRemoved.class, this::interfacesRemoved));
            handlers.add(bus.addSigHandler(Properties.PropertiesChanged.class, this::propertiesChanged));
            handlers.add(bus.addSigHandler(DBus.NameOwnerChanged.class, this::nameOwnerChanged));
        } catch (DBusException | RuntimeException e) {
            throw new BleException("cannot connect to D-Bus " + (this.address.isEmpty() ? "system bus" : this.address) + ": " + e.getMessage(), e);
        }
        try {
            reload();
        } catch (BleException e) {
            LOG.warn("ble: BlueZ not available yet ({}); waiting for org.bluez on the bus", e.getMessage());
        }
    }

    // ---- the mirror ----

    private void reload() throws BleException {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> all;
        try {
            ObjectManager om = bus.getRemoteObject(BUS_NAME, "/", ObjectManager.class);
            all = om.GetManagedObjects();
        } catch (DBusException | DBusExecutionException e) {
            throw new BleException("BlueZ (org.bluez) does not answer: " + e.getMessage(), e);
        }
        synchronized (this) {
            // only what the mirror lacks: what it has came from signals, which are never older than this answer
            all.forEach((path, ifaces) -> {
                Map<String, Map<String, Object>> o = objects.computeIfAbsent(path.getPath(), p -> new HashMap<>());
                ifaces.forEach((iface, props) -> o.putIfAbsent(iface, plain(props)));
            });
            loaded = true;
        }
    }

    /** Loads the mirror if it is not loaded; the D-Bus call is made without holding the lock the signal handlers need. */
    private boolean ensureLoaded() {
        synchronized (this) {
            if (loaded) return true;
        }
        try {
            reload();
            return true;
        } catch (BleException e) {
            return false;
        }
    }

    private static Map<String, Object> plain(Map<String, Variant<?>> props) {
        Map<String, Object> out = new HashMap<>();
        if (props != null) props.forEach((k, v) -> out.put(k, v == null ? null : v.getValue()));
        return out;
    }

    private void interfacesAdded(ObjectManager.InterfacesAdded s) {
        String path = s.getSignalSource().getPath();
        Advertisement ad = null;
        synchronized (this) {
            Map<String, Map<String, Object>> o = objects.computeIfAbsent(path, p -> new HashMap<>());
            s.getInterfaces().forEach((iface, props) -> o.put(iface, plain(props)));
            if (s.getInterfaces().containsKey(DEVICE)) ad = advertisement(path);
            notifyAll();
        }
        if (ad != null) deliver(ad);
    }

    private void interfacesRemoved(ObjectManager.InterfacesRemoved s) {
        String path = s.getSignalSource().getPath();
        synchronized (this) {
            Map<String, Map<String, Object>> o = objects.get(path);
            if (o != null) {
                s.getInterfaces().forEach(o::remove);
                if (o.isEmpty()) objects.remove(path);
            }
        }
        if (s.getInterfaces().contains(DEVICE)) end(path, "device removed from BlueZ");
    }

    private void propertiesChanged(Properties.PropertiesChanged s) {
        String path = s.getPath();
        String iface = s.getInterfaceName();
        Map<String, Object> changed = plain(s.getPropertiesChanged());
        Advertisement ad = null;
        synchronized (this) {
            Map<String, Map<String, Object>> o = objects.get(path);
            if (o == null) return;
            Map<String, Object> props = o.computeIfAbsent(iface, i -> new HashMap<>());
            props.putAll(changed);
            if (s.getPropertiesRemoved() != null) s.getPropertiesRemoved().forEach(props::remove);
            if (DEVICE.equals(iface) && (changed.containsKey("RSSI") || changed.containsKey("ManufacturerData")
                    || changed.containsKey("Name") || changed.containsKey("UUIDs"))) {
                ad = advertisement(path);
            }
            notifyAll();
        }
        if (ad != null) deliver(ad);
        if (CHARACTERISTIC.equals(iface) && changed.get("Value") != null) {
            byte[] value = bytes(changed.get("Value"));
            for (Link l : links.values()) l.valueChanged(path, value);
        }
        if (DEVICE.equals(iface) && Boolean.FALSE.equals(changed.get("Connected"))) end(path, "link lost (Connected=false)");
        if (ADAPTER.equals(iface) && changed.containsKey("Powered")) {
            boolean on = Boolean.TRUE.equals(changed.get("Powered"));
            if (!on) endAll("adapter powered off");
            fire(on ? AdapterEvent.POWERED_ON : AdapterEvent.POWERED_OFF);
        }
    }

    private void nameOwnerChanged(DBus.NameOwnerChanged s) {
        if (!BUS_NAME.equals(s.name)) return;
        if (s.oldOwner != null && !s.oldOwner.isEmpty()) {
            LOG.warn("ble: bluetoothd left the bus (org.bluez owner {} gone)", s.oldOwner);
            synchronized (this) {
                objects.clear();
                loaded = false;
            }
            endAll("bluetooth service stopped");
            fire(AdapterEvent.SERVICE_RESTARTED);
        }
        if (s.newOwner != null && !s.newOwner.isEmpty()) {
            LOG.info("ble: bluetoothd is on the bus (org.bluez owner {})", s.newOwner);
            // reload and restart discovery off the signal thread: both call D-Bus
            Thread t = new Thread(this::serviceBack, "hearth-ble-bluez-back");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serviceBack() {
        try {
            Thread.sleep(200); // let bluetoothd register its objects
            if (closed) return;
            synchronized (this) {
                loaded = false;
            }
            reload();
            if (!scans.isEmpty()) startDiscovery();
            if (available()) fire(AdapterEvent.POWERED_ON);
        } catch (BleException e) {
            // asked again on the next scan, connect or availability check
            if (!closed) LOG.warn("ble: BlueZ came back but does not answer yet: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fire(AdapterEvent e) {
        for (Consumer<AdapterEvent> l : adapterListeners) {
            try {
                l.accept(e);
            } catch (RuntimeException x) {
                LOG.warn("ble: adapter listener failed", x);
            }
        }
    }

    private void deliver(Advertisement a) {
        for (Consumer<Advertisement> s : scans) {
            try {
                s.accept(a);
            } catch (RuntimeException x) {
                LOG.warn("ble: scan listener failed", x);
            }
        }
    }

    private void end(String devicePath, String reason) {
        Link l = links.get(devicePath);
        if (l != null) l.ended(reason);
    }

    private void endAll(String reason) {
        new ArrayList<>(links.values()).forEach(l -> l.ended(reason));
    }

    /** The adapter's object path, or null. Caller holds the lock. */
    private String adapterPath() {
        String found = null;
        for (Map.Entry<String, Map<String, Map<String, Object>>> e : objects.entrySet()) {
            if (!e.getValue().containsKey(ADAPTER)) continue;
            String path = e.getKey();
            if (!adapterName.isEmpty() && !path.endsWith("/" + adapterName)) continue;
            if (found == null || path.compareTo(found) < 0) found = path; // hci0 before hci1
        }
        return found;
    }

    /** Builds an advertisement from a device's mirrored properties. Caller holds the lock. */
    private Advertisement advertisement(String path) {
        Map<String, Object> d = objects.getOrDefault(path, Map.of()).get(DEVICE);
        if (d == null || !(d.get("Address") instanceof String addr)) return null;
        String adapter = adapterPath();
        if (adapter != null && !path.startsWith(adapter + "/")) return null;
        Object name = d.get("Name");
        int rssi = d.get("RSSI") instanceof Number n ? n.intValue() : Integer.MIN_VALUE;
        List<UUID> uuids = new ArrayList<>();
        for (Object u : list(d.get("UUIDs"))) {
            UUID parsed = uuid(u);
            if (parsed != null) uuids.add(parsed);
        }
        Map<Integer, byte[]> mfr = new HashMap<>();
        if (d.get("ManufacturerData") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Object value = v instanceof Variant<?> var ? var.getValue() : v;
                if (k instanceof UInt16 id) mfr.put(id.intValue(), bytes(value));
                else if (k instanceof Number id) mfr.put(id.intValue(), bytes(value));
            });
        }
        return new Advertisement(addr.toUpperCase(Locale.ROOT), name instanceof String s ? s : "", rssi, uuids, mfr, Instant.now());
    }

    private static List<?> list(Object o) {
        if (o instanceof List<?> l) return l;
        if (o instanceof Object[] a) return List.of(a);
        return List.of();
    }

    private static UUID uuid(Object o) {
        try {
            return o instanceof String s ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] bytes(Object o) {
        if (o instanceof byte[] b) return b;
        if (o instanceof List<?> l) {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) b[i] = ((Number) l.get(i)).byteValue();
            return b;
        }
        return new byte[0];
    }

    // ---- BleCentral ----

    @Override
    public BleScan scan(Consumer<Advertisement> listener) throws BleException {
        if (!ensureLoaded()) throw new BleException("BlueZ (org.bluez) is not on the bus");
        boolean first;
        List<Advertisement> known = new ArrayList<>();
        synchronized (this) {
            first = scans.isEmpty();
            scans.add(listener);
            // devices BlueZ already knows and has heard (RSSI) do not announce themselves again until they change
            for (Map.Entry<String, Map<String, Map<String, Object>>> e : objects.entrySet()) {
                Map<String, Object> d = e.getValue().get(DEVICE);
                if (d != null && d.containsKey("RSSI") && !Boolean.TRUE.equals(d.get("Connected"))) {
                    Advertisement a = advertisement(e.getKey());
                    if (a != null) known.add(a);
                }
            }
        }
        if (first) {
            try {
                startDiscovery();
            } catch (BleException e) {
                scans.remove(listener);
                throw e;
            }
        }
        known.forEach(listener);
        return () -> {
            if (scans.remove(listener) && scans.isEmpty()) stopDiscovery();
        };
    }

    private void startDiscovery() throws BleException {
        String adapter;
        synchronized (this) {
            adapter = adapterPath();
        }
        if (adapter == null) throw new BleException("no Bluetooth adapter" + (adapterName.isEmpty() ? "" : " named " + adapterName));
        if (!available()) throw new BleException("adapter " + adapter + " is powered off");
        try {
            Adapter1 a = bus.getRemoteObject(BUS_NAME, adapter, Adapter1.class);
            try {
                a.SetDiscoveryFilter(Map.of("Transport", new Variant<>("le"), "DuplicateData", new Variant<>(Boolean.TRUE)));
            } catch (RuntimeException e) {
                LOG.debug("ble: discovery filter refused: {}", e.toString());
            }
            a.StartDiscovery();
        } catch (DBusException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("InProgress")) return; // someone else is scanning: fine
            throw new BleException("starting discovery on " + adapter + " failed: " + e.getMessage(), e);
        }
    }

    private void stopDiscovery() {
        String adapter;
        synchronized (this) {
            adapter = adapterPath();
        }
        if (adapter == null || closed) return;
        try {
            bus.getRemoteObject(BUS_NAME, adapter, Adapter1.class).StopDiscovery();
        } catch (DBusException | RuntimeException e) {
            LOG.debug("ble: stopping discovery: {}", e.toString());
        }
    }

    @Override
    public BleConnection connect(String address, Duration timeout, Consumer<String> events) throws BleException {
        if (!ensureLoaded()) throw new BleException("BlueZ (org.bluez) is not on the bus");
        String wanted = address.trim().toUpperCase(Locale.ROOT);
        String path;
        synchronized (this) {
            path = devicePath(wanted);
        }
        if (path == null) throw new BleException("device " + wanted + " is not known to BlueZ; scan for it first");
        Link old = links.get(path);
        if (old != null) old.close();
        Link link = new Link(path, wanted, events);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Device1 device = bus.getRemoteObject(BUS_NAME, path, Device1.class);
            DBusAsyncReply<?> reply = bus.callMethodAsync(device, "Connect");
            synchronized (this) {
                while (!(isTrue(path, DEVICE, "Connected") && isTrue(path, DEVICE, "ServicesResolved"))) {
                    if (reply.hasReply()) reply.getReply(); // throws the D-Bus error, if Connect failed
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw new BleException("not connected with services resolved within " + timeout.toSeconds() + " s");
                    if (!objects.containsKey(path)) throw new BleException("device vanished from BlueZ while connecting");
                    wait(Math.max(1, Math.min(100, left / 1_000_000)));
                }
                // registered only now: a Connected=false still on its way from an earlier link must not end this one
                links.put(path, link);
            }
        } catch (BleException e) {
            link.close();
            throw e;
        } catch (DBusException | RuntimeException e) {
            link.close();
            throw new BleException("connecting to " + wanted + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.close();
            throw new BleException("interrupted while connecting to " + wanted);
        }
        return link;
    }

    private String devicePath(String address) {
        String adapter = adapterPath();
        for (Map.Entry<String, Map<String, Map<String, Object>>> e : objects.entrySet()) {
            Map<String, Object> d = e.getValue().get(DEVICE);
            if (d != null && address.equalsIgnoreCase(String.valueOf(d.get("Address")))
                    && (adapter == null || e.getKey().startsWith(adapter + "/"))) {
                return e.getKey();
            }
        }
        return null;
    }

    private boolean isTrue(String path, String iface, String prop) {
        Map<String, Object> p = objects.getOrDefault(path, Map.of()).get(iface);
        return p != null && Boolean.TRUE.equals(p.get(prop));
    }

    @Override
    public boolean available() {
        if (!ensureLoaded()) return false;
        synchronized (this) {
            String a = adapterPath();
            return a != null && isTrue(a, ADAPTER, "Powered");
        }
    }

    /** False once the D-Bus connection itself is gone (dbus-daemon restarted): make a new central then. */
    boolean busConnected() {
        return !closed && bus.isConnected();
    }

    @Override
    public AutoCloseable addAdapterListener(Consumer<AdapterEvent> listener) {
        adapterListeners.add(listener);
        return () -> adapterListeners.remove(listener);
    }

    @Override
    public void close() {
        new ArrayList<>(links.values()).forEach(Link::close);
        if (!scans.isEmpty() && bus.isConnected()) stopDiscovery();
        closed = true;
        scans.clear();
        for (AutoCloseable h : bus.isConnected() ? handlers : List.<AutoCloseable>of()) {
            try {
                h.close();
            } catch (Exception e) {
                LOG.debug("ble: removing a signal handler", e);
            }
        }
        try {
            bus.close();
        } catch (IOException e) {
            LOG.debug("ble: closing the D-Bus connection", e);
        }
    }

    // ---- one connection ----

    private final class Link implements BleConnection {
        private final String path;
        private final String address;
        private final Consumer<String> events;
        private final Map<String, Consumer<byte[]>> subscribers = new ConcurrentHashMap<>();
        private volatile boolean open = true;

        Link(String path, String address, Consumer<String> events) {
            this.path = path;
            this.address = address;
            this.events = events;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public boolean connected() {
            if (!open) return false;
            synchronized (BluezCentral.this) {
                return isTrue(path, DEVICE, "Connected");
            }
        }

        @Override
        public Set<UUID> services() {
            Set<UUID> out = new LinkedHashSet<>();
            synchronized (BluezCentral.this) {
                for (Map.Entry<String, Map<String, Map<String, Object>>> e : objects.entrySet()) {
                    Map<String, Object> s = e.getValue().get(SERVICE);
                    if (s != null && e.getKey().startsWith(path + "/")) {
                        UUID u = uuid(s.get("UUID"));
                        if (u != null) out.add(u);
                    }
                }
            }
            return out;
        }

        /** The characteristic's object path under this device. */
        private String characteristic(UUID service, UUID characteristic) throws BleException {
            synchronized (BluezCentral.this) {
                for (Map.Entry<String, Map<String, Map<String, Object>>> e : objects.entrySet()) {
                    Map<String, Object> c = e.getValue().get(CHARACTERISTIC);
                    if (c == null || !e.getKey().startsWith(path + "/") || !characteristic.equals(uuid(c.get("UUID")))) continue;
                    String servicePath = c.get("Service") instanceof DBusPath p ? p.getPath() : e.getKey().substring(0, e.getKey().lastIndexOf('/'));
                    Map<String, Object> s = objects.getOrDefault(servicePath, Map.of()).get(SERVICE);
                    if (s != null && service.equals(uuid(s.get("UUID")))) return e.getKey();
                }
            }
            throw new BleException(address + " has no characteristic " + characteristic + " in service " + service);
        }

        private GattCharacteristic1 gatt(String charPath) throws BleException {
            if (!open) throw new BleException(address + " is not connected");
            try {
                return bus.getRemoteObject(BUS_NAME, charPath, GattCharacteristic1.class);
            } catch (DBusException e) {
                throw new BleException(e.getMessage(), e);
            }
        }

        @Override
        public byte[] read(UUID service, UUID characteristic) throws BleException {
            String c = characteristic(service, characteristic);
            try {
                return gatt(c).ReadValue(Map.of());
            } catch (DBusException | RuntimeException e) {
                throw new BleException("reading " + characteristic + " from " + address + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void write(UUID service, UUID characteristic, byte[] value, boolean withResponse) throws BleException {
            String c = characteristic(service, characteristic);
            try {
                gatt(c).WriteValue(value, Map.of("type", new Variant<>(withResponse ? "request" : "command")));
            } catch (DBusException | RuntimeException e) {
                throw new BleException("writing " + characteristic + " on " + address + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public AutoCloseable subscribe(UUID service, UUID characteristic, Consumer<byte[]> listener) throws BleException {
            String c = characteristic(service, characteristic);
            subscribers.put(c, listener);
            try {
                gatt(c).StartNotify();
            } catch (DBusException | RuntimeException e) {
                subscribers.remove(c);
                throw new BleException("subscribing to " + characteristic + " on " + address + " failed: " + e.getMessage(), e);
            }
            return () -> {
                if (subscribers.remove(c, listener) && open) {
                    try {
                        gatt(c).StopNotify();
                    } catch (BleException | DBusException | RuntimeException e) {
                        LOG.debug("ble: StopNotify on {}: {}", c, e.toString());
                    }
                }
            };
        }

        void valueChanged(String charPath, byte[] value) {
            Consumer<byte[]> l = open ? subscribers.get(charPath) : null;
            if (l == null) return;
            try {
                l.accept(value);
            } catch (RuntimeException e) {
                LOG.warn("ble: notification listener for {} failed", charPath, e);
            }
        }

        /** The link ended by itself: tell the owner once. */
        void ended(String reason) {
            if (!open) return;
            open = false;
            links.remove(path, this);
            subscribers.clear();
            try {
                events.accept(reason);
            } catch (RuntimeException e) {
                LOG.warn("ble: connection listener failed", e);
            }
        }

        @Override
        public void close() {
            boolean wasOpen = open;
            ended("closed");
            if (!wasOpen || closed || !bus.isConnected()) return; // a dead bus would only time out
            try {
                bus.getRemoteObject(BUS_NAME, path, Device1.class).Disconnect();
            } catch (DBusException | RuntimeException e) {
                LOG.debug("ble: Disconnect {}: {}", address, e.toString());
                return;
            }
            // wait for Connected=false, so that signal cannot end the next connection to this device
            long end = System.nanoTime() + DISCONNECT_WAIT.toNanos();
            synchronized (BluezCentral.this) {
                try {
                    while (isTrue(path, DEVICE, "Connected") && System.nanoTime() < end) BluezCentral.this.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
