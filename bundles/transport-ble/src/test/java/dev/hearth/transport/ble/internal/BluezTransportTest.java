package dev.hearth.transport.ble.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.hearth.transport.ble.AdapterEvent;
import dev.hearth.transport.ble.Advertisement;
import dev.hearth.transport.ble.BleConnection;
import dev.hearth.transport.ble.BleException;
import dev.hearth.testkit.BluezMock;

/** The component: no D-Bus at start, and dbus-daemon itself restarting. */
class BluezTransportTest {

    static final String MAC = "A4:C1:38:11:22:33";

    static BleTransportConfig config(String address) {
        return new BleTransportConfig() {
            @Override public Class<? extends Annotation> annotationType() { return BleTransportConfig.class; }
            @Override public String dbus__address() { return address; }
            @Override public String adapter() { return ""; }
        };
    }

    @Test
    void withoutDbusItActivatesAndSaysWhy() {
        BluezTransport t = new BluezTransport(config("unix:path=/nonexistent/hearth-test-bus"));
        try {
            assertFalse(t.available());
            BleException e = assertThrows(BleException.class, () -> t.scan(a -> { }));
            assertEquals("cannot connect to D-Bus unix:path=/nonexistent/hearth-test-bus: no socket /nonexistent/hearth-test-bus", e.getMessage());
            assertThrows(BleException.class, () -> t.connect(MAC, Duration.ofSeconds(1), r -> { }));
        } finally {
            t.deactivate();
        }
        assertThrows(BleException.class, () -> t.scan(a -> { }), "stopped");
    }

    @Test
    void socketPathsOfAddresses() {
        assertEquals("/run/x", BluezTransport.socketPath("unix:path=/run/x,guid=1234"));
        assertEquals("/run/x", BluezTransport.socketPath("unix:path=/run/x"));
        assertEquals(null, BluezTransport.socketPath("tcp:host=127.0.0.1,port=1"));
        assertEquals(null, BluezTransport.socketPath("unix:abstract=/tmp/dbus-x"));
    }

    @Test
    void dbusDaemonRestartingIsSurvived() throws Exception {
        try (BluezMock mock = new BluezMock()) {
            mock.ctl("setup", MAC, "iBBQ");
            BluezTransport t = new BluezTransport(config(mock.address()));
            List<AdapterEvent> events = new CopyOnWriteArrayList<>();
            List<String> ended = new CopyOnWriteArrayList<>();
            t.addAdapterListener(events::add);
            try {
                BleConnection c = t.connect(MAC, Duration.ofSeconds(10), ended::add);
                assertTrue(c.connected());
                mock.restartDaemon();
                mock.ctl("setup", MAC, "iBBQ");
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!t.available() && System.nanoTime() < end) Thread.sleep(100);
                assertTrue(t.available(), "a new D-Bus connection finds the new bluetoothd");
                assertTrue(events.contains(AdapterEvent.SERVICE_RESTARTED), events.toString());
                assertFalse(c.connected());
                List<Advertisement> ads = new CopyOnWriteArrayList<>();
                t.scan(ads::add).close();
                assertEquals(MAC, ads.get(0).address());
                assertTrue(t.connect(MAC, Duration.ofSeconds(10), ended::add).connected());
            } finally {
                t.deactivate();
            }
        }
    }
}
