package dev.hearth.transport.ble.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleCentral;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.transport.ble.BleScan;

/**
 * The BLE transport as a service: a {@link BluezCentral} on the configured bus. Runs without a
 * configuration (system bus, first adapter). The D-Bus connection is made when first needed and
 * made again when it is lost (dbus-daemon restarted), so a gateway started before D-Bus or
 * bluetoothd recovers by itself; until then every call fails with the reason. The demo's simulator
 * registers a {@link BleCentral} of higher ranking, so drivers take that one when both are present.
 */
@Component(configurationPid = BluezTransport.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = BleCentral.class,
        property = { "hearth.ble=bluez", "service.ranking:Integer=0" })
@Designate(ocd = BleTransportConfig.class)
public final class BluezTransport implements BleCentral {

    static final String PID = "dev.hearth.transport.ble";
    private static final Logger LOG = LoggerFactory.getLogger(BluezTransport.class);
    /** How long a failed D-Bus connection is not tried again. */
    static final Duration RETRY = Duration.ofSeconds(30);
    private static final String SYSTEM_BUS_SOCKET = "/var/run/dbus/system_bus_socket";

    private final String address;
    private final String adapter;
    private final List<Consumer<AdapterEvent>> listeners = new CopyOnWriteArrayList<>();
    private BluezCentral central;
    private String lastFailure;
    private long retryAt;
    private boolean closed;

    @Activate
    public BluezTransport(BleTransportConfig config) {
        this.address = config.dbus__address().trim();
        this.adapter = config.adapter().trim();
        LOG.info("ble: BlueZ on {}, adapter {}", address.isEmpty() ? "the system bus" : address, adapter.isEmpty() ? "(first)" : adapter);
        try {
            central();
        } catch (BleException e) {
            // logged in central(); tried again at the first use
        }
    }

    /** The central, connected now if it was not (or no longer is). */
    private synchronized BluezCentral central() throws BleException {
        if (closed) throw new BleException("the BLE transport is stopped");
        BluezCentral c = central;
        if (c != null && c.busConnected()) return c;
        if (c != null) {
            LOG.warn("ble: lost the D-Bus connection; connecting again");
            central = null;
            c.close();
            fire(AdapterEvent.SERVICE_RESTARTED);
        }
        // dbus-java takes seconds to give up on a bus that is not there: ask again only now and then
        if (lastFailure != null && System.nanoTime() < retryAt) throw new BleException(lastFailure);
        try {
            String socket = socketPath(address);
            if (socket != null && !Files.exists(Path.of(socket))) {
                throw new BleException("cannot connect to D-Bus " + (address.isEmpty() ? "system bus" : address) + ": no socket " + socket);
            }
            c = new BluezCentral(address, adapter);
        } catch (BleException e) {
            if (!e.getMessage().equals(lastFailure)) LOG.warn("ble: {}", e.getMessage());
            lastFailure = e.getMessage();
            retryAt = System.nanoTime() + RETRY.toNanos();
            throw e;
        }
        lastFailure = null;
        c.addAdapterListener(this::fire);
        central = c;
        return c;
    }

    /** The socket file of a {@code unix:path=} address (the system bus's when empty), or null for other kinds. */
    static String socketPath(String address) {
        String a = address.isEmpty() ? System.getenv().getOrDefault("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + SYSTEM_BUS_SOCKET) : address;
        if (!a.startsWith("unix:path=")) return null;
        String rest = a.substring("unix:path=".length());
        int comma = rest.indexOf(',');
        return comma < 0 ? rest : rest.substring(0, comma);
    }

    private void fire(AdapterEvent e) {
        for (Consumer<AdapterEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException x) {
                LOG.warn("ble: adapter listener failed", x);
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true;
        if (central != null) central.close();
        central = null;
    }

    @Override
    public BleScan scan(Consumer<Advertisement> listener) throws BleException {
        return central().scan(listener);
    }

    @Override
    public BleConnection connect(String address, Duration timeout, Consumer<String> events) throws BleException {
        return central().connect(address, timeout, events);
    }

    @Override
    public boolean available() {
        try {
            return central().available();
        } catch (BleException e) {
            return false;
        }
    }

    @Override
    public AutoCloseable addAdapterListener(Consumer<AdapterEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
