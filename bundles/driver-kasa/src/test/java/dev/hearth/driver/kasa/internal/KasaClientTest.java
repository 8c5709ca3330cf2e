package dev.hearth.driver.kasa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the real npm simulator, and against peers that misbehave. */
class KasaClientTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static NpmKasaSimulator sim;

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = new NpmKasaSimulator();
    }

    @AfterAll
    static void stopSimulator() throws Exception {
        if (sim != null) sim.close();
    }

    private static KasaClient client(int port) {
        return new KasaClient("127.0.0.1", port, TIMEOUT, TIMEOUT);
    }

    @Test
    void hardware1FieldsAreReadAsTheyAre() throws Exception {
        sim.realtime("hs110v1", null, 1234.5, 231.25, 5.5, 12.5);
        KasaClient.PlugSample s = client(sim.hs110v1).sample(i -> List.of());
        assertEquals("Kettle Plug", s.sysinfo().alias());
        assertEquals("HS110(US)", s.sysinfo().model());
        assertEquals("1.0", s.sysinfo().hardwareVersion());
        assertTrue(s.sysinfo().hasEnergyMeter());
        assertEquals(new EmeterRealtime(1234.5, 231.25, 5.5, 12.5), s.meter());
    }

    @Test
    void hardware2FieldsAreNormalisedToWattsVoltsAmpsAndKilowattHours() throws Exception {
        // the simulator answers these as power_mw 1234500, voltage_mv 231250, current_ma 5500, total_wh 12500
        sim.realtime("hs110v2", null, 1234.5, 231.25, 5.5, 12.5);
        String raw = client(sim.hs110v2).request("{\"emeter\":{\"get_realtime\":{}}}");
        assertTrue(raw.contains("\"power_mw\":1234500") && raw.contains("\"total_wh\":12500"), raw);
        KasaClient.PlugSample s = client(sim.hs110v2).sample(i -> List.of());
        assertEquals("2.0", s.sysinfo().hardwareVersion());
        assertEquals(new EmeterRealtime(1234.5, 231.25, 5.5, 12.5), s.meter());
    }

    @Test
    void powerStripOutletsAreReadOneByOne() throws Exception {
        sim.realtime("hs300", "02", 60.0, 230.5, 0.25, 1.5);
        sim.realtime("hs300", "04", 8.0, 229.5, 0.125, 0.25);
        KasaClient.PlugSample s = client(sim.hs300).sample(info -> info.outlets().stream().map(KasaSysinfo.Outlet::id)
                .filter(id -> id.endsWith("02") || id.endsWith("04")).toList());
        assertEquals(6, s.sysinfo().outlets().size());
        assertEquals("Mock Three", s.sysinfo().outlets().get(2).alias());
        assertEquals(List.of("02", "04"), s.outletMeters().keySet().stream().map(id -> id.substring(id.length() - 2)).toList());
        assertEquals(new EmeterRealtime(60.0, 230.5, 0.25, 1.5), s.outletMeters().get(s.sysinfo().outlets().get(2).id()));
        assertEquals(new EmeterRealtime(8.0, 229.5, 0.125, 0.25), s.outletMeters().get(s.sysinfo().outlets().get(4).id()));
    }

    @Test
    void relayOnAndOffIsReadBack() throws Exception {
        KasaClient plug = client(sim.hs110v1);
        plug.setRelay(true, List.of());
        assertTrue(plug.sysinfo().relayOn());
        plug.setRelay(false, List.of());
        assertFalse(plug.sysinfo().relayOn());

        KasaClient strip = client(sim.hs300);
        String third = strip.sysinfo().outlets().get(3).id();
        strip.setRelay(false, List.of());
        strip.setRelay(true, List.of(third));
        List<Boolean> states = strip.sysinfo().outlets().stream().map(KasaSysinfo.Outlet::on).toList();
        assertEquals(List.of(false, false, false, true, false, false), states);
        DeviceRefusedException e = assertThrows(DeviceRefusedException.class, () -> strip.setRelay(true, List.of("NOSUCHCHILD")));
        assertEquals(-14, e.errCode());
    }

    @Test
    void aClosedPortIsRefusedAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        PlugUnreachableException e = assertThrows(PlugUnreachableException.class, () -> client(port).sysinfo());
        assertEquals(PlugUnreachableException.Reason.REFUSED, e.reason());
        assertEquals("connection to 127.0.0.1:" + port + " refused (nothing listens on the port)", e.getMessage());
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }

    @Test
    void aSilentPortTimesOutWithinTheReadTimeout() throws Exception {
        try (ScriptedTcpServer silent = new ScriptedTcpServer(null).then(ScriptedTcpServer.SILENT)) {
            long start = System.nanoTime();
            PlugUnreachableException e = assertThrows(PlugUnreachableException.class, () -> client(silent.port()).sysinfo());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(PlugUnreachableException.Reason.NO_REPLY, e.reason());
            assertEquals("no reply from 127.0.0.1:" + silent.port() + " within 500 ms", e.getMessage());
            assertTrue(ms >= 450 && ms < 1500, "took " + ms + " ms");
        }
    }

    @Test
    void aTricklingPeerCannotStretchTheReadTimeout() throws Exception {
        // a listener that accepts and sends one byte of a length prefix: the reply deadline is total, not per read
        try (ScriptedTcpServer trickle = new ScriptedTcpServer(null).then(new byte[] {0})) {
            MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> client(trickle.port()).sysinfo());
            assertTrue(e.getMessage().contains("length prefix"), e.getMessage());
        }
    }

    @Test
    void malformedRepliesAreClearErrors() throws Exception {
        byte[] frame = KasaCodec.frame("{\"system\":{\"get_sysinfo\":{\"alias\":\"x\"}}}");
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length - 5);
        try (ScriptedTcpServer bad = new ScriptedTcpServer(null)
                .then("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes())
                .then(truncated)
                .then(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0})
                .then(new byte[] {0x7f, 0, 0, 0})
                .then(KasaCodec.frame("not json at all"))
                .then(KasaCodec.frame("{\"sys\":{}}"))
                .then(new byte[0])) {
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                messages.add(assertThrows(MalformedReplyException.class, () -> client(bad.port()).sysinfo()).getMessage());
            }
            assertTrue(messages.get(0).contains("outside 1..65536"), messages.get(0)); // "HTTP" read as a length
            assertTrue(messages.get(1).contains("truncated"), messages.get(1));
            assertTrue(messages.get(2).contains("negative"), messages.get(2));
            assertTrue(messages.get(3).contains("2130706432"), messages.get(3));
            assertTrue(messages.get(4).contains("not JSON"), messages.get(4));
            assertTrue(messages.get(5).contains("no system object"), messages.get(5));
            PlugUnreachableException closed = assertThrows(PlugUnreachableException.class, () -> client(bad.port()).sysinfo());
            assertEquals(PlugUnreachableException.Reason.CLOSED_WITHOUT_REPLY, closed.reason());
        }
    }

    @Test
    void discoveryFindsThePlugOverUdp() throws Exception {
        List<String> rejects = new ArrayList<>();
        List<KasaClient.DiscoveredPlug> found = KasaClient.discover(new InetSocketAddress("127.0.0.1", sim.hs300), Duration.ofMillis(700), rejects);
        assertEquals(1, found.size(), found + " " + rejects);
        assertEquals("127.0.0.1", found.get(0).address());
        assertEquals("HS300(US)", found.get(0).sysinfo().model());
        // UDP answers carry only the slot of each child
        assertEquals("00", found.get(0).sysinfo().outlets().get(0).id());
    }
}
