package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

class HearthCommandsTest {

    static final Instant NOW = Instant.parse("2026-01-02T12:00:00Z");
    static final String HOSTILE = "evil\n\u001b[2J\u202eline\r\nsplit" + "x".repeat(500);

    final FakeGatewayStatus gateway = new FakeGatewayStatus();
    final HearthCommands commands = new HearthCommands(gateway, null, Clock.fixed(NOW, ZoneOffset.UTC));

    static Reading reading(String device, Instant at, String note) {
        return Reading.of(device, "climate").tag("room", "kit\nchen").field("temp", 21.5).field("note", note).at(at).build();
    }

    static void assertNoControlCharacters(String out) {
        // the only control character a report may contain is the newline ending each line
        assertTrue(out.chars().noneMatch(c -> (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0)
                || c == 0x202e || c == 0x2028), out);
    }

    void fill() {
        gateway.startedAt = NOW.minusSeconds(3 * 3600 + 5 * 60);
        gateway.journal = new JournalStatus("/data/journal.db", 3L << 20, 256L << 20, 1200, 50_000, 7, 50_000);
        gateway.devices.add(new DeviceInfo("kitchen", DeviceState.ONLINE, "", NOW.minusSeconds(600), Map.of(), 4000, 0, null,
                reading("kitchen", NOW.minusSeconds(2), "ok")));
        gateway.devices.add(new DeviceInfo("bad\ndevice", DeviceState.ERROR, HOSTILE, NOW.minusSeconds(30), Map.of(), 3, 99,
                HOSTILE, null));
        gateway.devices.add(new DeviceInfo("nothing-known", null, null, null, null, 0, 0, null, null));
        gateway.sinks.add(new SinkStatus("file", true, "", 0, 50_000, 0, 0, 0, 1.25, NOW.minusSeconds(1), null, null));
        gateway.sinks.add(new SinkStatus("elastic", false, "(device=kitchen)", 1200, 10, 40, 2, 7, 350.0, null, HOSTILE,
                NOW.minusSeconds(5)));
        gateway.recent.add(reading("kitchen", NOW.minusSeconds(3), "first"));
        gateway.recent.add(reading("kitchen", NOW.minusSeconds(2), HOSTILE));
        gateway.deadLetters.add(new DeadLetter("elastic", 41, reading("kitchen", NOW.minusSeconds(60), "x"), HOSTILE,
                NOW.minusSeconds(59)));
        gateway.deadLetters.add(new DeadLetter("elastic", 40, null, null, null));
    }

    @Test
    void statusSummarisesTheGateway() {
        fill();
        String s = commands.status();
        assertTrue(s.contains("version   unknown\n"), s);
        assertTrue(s.contains("uptime    3h05m"), s);
        assertTrue(s.contains("drivers   0 bundles publish\n"), s);
        assertTrue(s.contains("devices   3 devices (1 error, 1 online, 1 unknown)"), s);
        assertTrue(s.contains("sinks     2 sinks (1 up), backlog 1200"), s);
        assertTrue(s.contains("journal   3 MiB of 256 MiB, 1200 readings held, 50000 accepted, 7 dropped (/data/journal.db)"), s);
        assertTrue(s.contains("bundles   0 active of 0"), s);
        assertNoControlCharacters(s);
    }

    @Test
    void statusNamesTheDriversCleaned() {
        String s = Reports.status("1.0", "pi", NOW, NOW, List.of(),
                List.of("dev.hearth.driver.kasa 0.1.0", "dev.hearth.driver.system 0.1.0", HOSTILE), List.of(), List.of(), null);
        String line = s.lines().filter(l -> l.startsWith("drivers")).findFirst().orElseThrow();
        assertTrue(line.startsWith("drivers   3 bundles publish: dev.hearth.driver.kasa 0.1.0, dev.hearth.driver.system 0.1.0, "), line);
        assertTrue(Reports.status("1.0", "pi", NOW, NOW, List.of(), List.of("dev.hearth.driver.kasa 0.1.0"), List.of(), List.of(), null)
                .contains("drivers   1 bundle publishes: dev.hearth.driver.kasa 0.1.0\n"));
        assertNoControlCharacters(s);
    }

    @Test
    void devicesOneLineEachWhateverTheyHold() {
        fill();
        String s = commands.devices();
        List<String> lines = s.lines().toList();
        assertEquals(4, lines.size(), s);
        assertTrue(lines.get(0).startsWith("DEVICE"), s);
        assertTrue(lines.get(0).contains("LAST READING") && lines.get(0).contains("MESSAGE"), s);
        assertTrue(lines.get(1).startsWith("kitchen"), s);
        assertTrue(lines.get(1).contains("online") && lines.get(1).contains("2s ago") && lines.get(1).contains("4000"), s);
        assertTrue(lines.get(2).startsWith("bad\\ndevice") && lines.get(2).contains("evil\\n\\u001b[2J\\u202e"), s);
        assertTrue(lines.get(3).startsWith("nothing-known") && lines.get(3).contains("?"), s);
        lines.forEach(l -> assertTrue(l.length() < 300, l));
        assertNoControlCharacters(s);
    }

    @Test
    void sinksShowUpDownBacklogAndErrors() {
        fill();
        String s = commands.sinks();
        List<String> lines = s.lines().toList();
        assertEquals(3, lines.size(), s);
        assertTrue(lines.get(1).startsWith("file") && lines.get(1).contains("up") && lines.get(1).contains("1.3 ms"), s);
        assertTrue(lines.get(2).startsWith("elastic") && lines.get(2).contains("down") && lines.get(2).contains("1200")
                && lines.get(2).contains("(5s ago) evil\\n"), s);
        assertNoControlCharacters(s);
    }

    @Test
    void tailShowsRecentReadingsOldestFirst() {
        fill();
        String s = commands.tail();
        assertEquals(20, gateway.lastRecentMax);
        List<String> lines = s.lines().toList();
        assertEquals(3, lines.size(), s);
        assertTrue(lines.get(1).contains("note=first") && lines.get(1).contains("room=kit\\nchen"), s);
        assertNoControlCharacters(s);
        commands.tail(1);
        assertEquals(1, gateway.lastRecentMax);
        assertThrows(IllegalArgumentException.class, () -> commands.tail(0));
        assertThrows(IllegalArgumentException.class, () -> commands.tail(HearthCommands.MAX_COUNT + 1));
    }

    @Test
    void deadLettersOfOneSink() {
        fill();
        String s = commands.deadletters("elastic");
        List<String> lines = s.lines().toList();
        assertEquals(3, lines.size(), s);
        assertTrue(lines.get(1).trim().startsWith("41"), s);
        assertTrue(lines.get(2).trim().startsWith("40") && lines.get(2).contains("-"), s);
        assertNoControlCharacters(s);
        assertEquals("no dead letters for file\n", commands.deadletters("file"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.deadletters("no\nsuch"));
        assertEquals("no sink 'no\\nsuch'; sinks: file, elastic", e.getMessage());
    }

    @Test
    void emptyGateway() {
        assertEquals("no devices\n", commands.devices());
        assertEquals("no sinks\n", commands.sinks());
        assertEquals("no readings yet\n", commands.tail());
        String s = commands.status();
        assertTrue(s.contains("uptime    -") && s.contains("journal   -"), s);
    }

    @Test
    void nullsFromTheCoreAreShownNotThrown() {
        FakeGatewayStatus g = new FakeGatewayStatus() {
            @Override public List<DeviceInfo> devices() { return null; }
            @Override public List<SinkStatus> sinks() { return Arrays.asList((SinkStatus) null); }
        };
        HearthCommands c = new HearthCommands(g, null, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals("no devices\n", c.devices());
        assertEquals("no sinks\n", c.sinks());
        assertTrue(c.status().contains("devices   0 devices"));
    }

    @Test
    void withoutTheCoreEveryCommandSaysSo() {
        HearthCommands c = new HearthCommands(null, null, Clock.fixed(NOW, ZoneOffset.UTC));
        String status = c.status();
        assertTrue(status.contains("core is not running") || status.contains("core      not running"), status);
        assertTrue(status.contains("version   unknown"), status);
        for (String s : List.of(c.devices(), c.sinks(), c.tail(), c.tail(5), c.deadletters("file"))) {
            assertEquals(HearthCommands.CORE_NOT_RUNNING, s);
            assertTrue(s.startsWith("core is not running"));
        }
    }
}
