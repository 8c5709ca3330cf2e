package dev.hearth.driver.sds011.internal.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.hearth.driver.sds011.internal.FrameReader;
import dev.hearth.driver.sds011.internal.Sds011Codec;
import dev.hearth.transport.serial.PortGoneException;
import dev.hearth.transport.serial.SerialPort;
import dev.hearth.transport.serial.SerialSettings;

class SimulatedSds011Test {

    private static final class Steps extends Clock {
        Instant now = Instant.parse("2026-11-28T03:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private static Sds011Codec.Frame one(byte[] bytes) {
        var frames = new FrameReader(null).feed(bytes, 0, bytes.length);
        assertEquals(1, frames.size());
        return frames.get(0);
    }

    private static Sds011Codec.Command cmd(byte[] frame) {
        return (Sds011Codec.Command) one(frame);
    }

    @Test
    void answersLikeTheRealSensorAndOnlyWakeWhileAsleep() {
        SimulatedSds011 s = new SimulatedSds011(new Steps(), 1, 0xA160, 8, 0);
        assertEquals(new Sds011Codec.Reply(2, 1, 1, 0, 0xA160), one(s.handle(cmd(Sds011Codec.setQueryMode(true)))));
        assertInstanceOf(Sds011Codec.Data.class, one(s.handle(cmd(Sds011Codec.queryData()))));
        assertEquals(new Sds011Codec.Reply(6, 1, 0, 0, 0xA160), one(s.handle(cmd(Sds011Codec.setWorking(false)))));
        assertArrayEquals(new byte[0], s.handle(cmd(Sds011Codec.queryData())));
        assertArrayEquals(new byte[0], s.handle(cmd(Sds011Codec.firmware())));
        assertEquals(new Sds011Codec.Reply(6, 1, 1, 0, 0xA160), one(s.handle(cmd(Sds011Codec.setWorking(true)))));
        assertEquals(new Sds011Codec.Reply(7, 18, 11, 16, 0xA160), one(s.handle(cmd(Sds011Codec.firmware()))));
        assertEquals(new Sds011Codec.Reply(8, 1, 0, 0, 0xA160), one(s.handle(cmd(Sds011Codec.setWorkingPeriod(0)))));
        assertEquals(0xB001, one(s.handle(cmd(Sds011Codec.setDeviceId(0xA160, 0xB001)))).sensorId());
        assertArrayEquals(new byte[0], s.handle(cmd(Sds011Codec.setDeviceId(0x1234, 0x0001))), "addressed to another sensor");
    }

    @Test
    void cookingSpikesRaiseTheValuesAndClearAgain() {
        Steps clock = new Steps();
        SimulatedSds011 s = new SimulatedSds011(clock, 7, 1, 8, 60); // a spike a minute, on average
        double max = 0;
        for (int i = 0; i < 60; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(1));
            max = Math.max(max, s.values()[0]);
        }
        assertTrue(max > 40, "an hour of frequent cooking peaks above 40: " + max);
        SimulatedSds011 calm = new SimulatedSds011(clock, 7, 1, 8, 0);
        for (int i = 0; i < 60; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(1));
            double[] v = calm.values();
            assertTrue(v[0] > 0 && v[0] < 20 && v[1] > v[0], v[0] + " " + v[1]);
        }
    }

    @Test
    void thePortStreamsInActiveModeAndAnswersCommands() throws Exception {
        Sds011Simulator sim = new Sds011Simulator(new Sds011SimulatorConfig() {
            @Override public Class<? extends java.lang.annotation.Annotation> annotationType() { return Sds011SimulatorConfig.class; }
            @Override public double baseline() { return 8; }
            @Override public double spikes__per__hour() { return 0; }
        });
        assertThrows(PortGoneException.class, () -> sim.open("/dev/ttyUSB0", SerialSettings.eightN1(9600)));
        assertThrows(PortGoneException.class, () -> sim.open("sim:", SerialSettings.eightN1(9600)));
        try (SerialPort p = sim.open("sim:a", SerialSettings.eightN1(9600))) {
            byte[] buf = new byte[32];
            int n = p.read(buf, 0, buf.length, Duration.ofSeconds(2));
            assertEquals(10, n, "an unsolicited active-mode report");
            p.write(Sds011Codec.setQueryMode(true));
            n = p.read(buf, 0, buf.length, Duration.ofSeconds(2));
            assertEquals(new Sds011Codec.Reply(2, 1, 1, 0, ((Sds011Codec.Reply) new FrameReader(null).feed(buf, 0, n).get(0)).sensorId()),
                    new FrameReader(null).feed(buf, 0, n).get(0));
            assertEquals(0, p.read(buf, 0, buf.length, Duration.ofMillis(1200)), "query mode: silent unless asked");
        }
        assertEquals(java.util.List.of("sim:a"), sim.available());
    }
}
