package dev.hearth.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;
import dev.hearth.testkit.MutableClock;

class ReadingHistoryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T19:00:00Z"));

    private Reading reading(String device, double value) {
        return Reading.of(device, "temperature").field("celsius", value).at(clock.instant()).build();
    }

    @Test
    void pointsPerSeriesAreCappedOldestFirst() {
        ReadingHistory h = new ReadingHistory(4, 4, 5, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 12; i++) h.add(reading("d", i));
        ReadingHistory.Slice all = h.since(h.epoch(), 0);
        assertEquals(1, all.series().size());
        List<ReadingHistory.Point> pts = all.series().get(0).points();
        assertEquals(5, pts.size());
        assertEquals(7.0, pts.get(0).value(), "the oldest seven went");
        assertEquals(11.0, pts.get(4).value());
        assertEquals(12, all.last());
        assertEquals(5, h.pointCount());
    }

    @Test
    void seriesAreCappedAndFurtherSeriesAreCountedNotKept() {
        ReadingHistory h = new ReadingHistory(3, 3, 10, Duration.ofMinutes(10), clock);
        for (int d = 0; d < 10; d++) h.add(reading("device-" + d, d));
        assertEquals(3, h.seriesCount());
        assertEquals(7, h.refused());
        assertEquals(List.of("device-0 temperature.celsius", "device-1 temperature.celsius", "device-2 temperature.celsius"),
                h.since(h.epoch(), 0).series().stream().map(ReadingHistory.Series::name).toList());
    }

    @Test
    void oneDeviceCannotTakeEverySeriesSlot() {
        ReadingHistory h = new ReadingHistory(10, 3, 10, Duration.ofMinutes(10), clock);
        Reading.Builder many = Reading.of("vm", "system").at(clock.instant());
        for (int f = 0; f < 12; f++) many.field("f" + f, f);
        h.add(many.build());
        h.add(reading("fridge", 4));
        assertEquals(4, h.seriesCount());
        assertEquals(9, h.refused());
        assertTrue(h.since(h.epoch(), 0).series().stream().anyMatch(s -> s.name().equals("fridge temperature.celsius")));
        clock.advance(Duration.ofMinutes(11));
        h.add(Reading.of("vm", "other").field("x", 1.0).at(clock.instant()).build());
        assertEquals(1, h.seriesCount(), "aged-out series give their device its slots back");
    }

    @Test
    void theRingWrapsManyTimesAndStaysInOrder() {
        ReadingHistory h = new ReadingHistory(1, 1, 7, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 1000; i++) h.add(reading("d", i));
        List<ReadingHistory.Point> pts = h.since(h.epoch(), 0).series().get(0).points();
        assertEquals(List.of(993.0, 994.0, 995.0, 996.0, 997.0, 998.0, 999.0), pts.stream().map(ReadingHistory.Point::value).toList());
        assertEquals(List.of(999.0), h.since(h.epoch(), 999).series().get(0).points().stream().map(ReadingHistory.Point::value).toList());
    }

    @Test
    void oldPointsAgeOutAndFreeTheirSeriesSlot() {
        ReadingHistory h = new ReadingHistory(1, 1, 10, Duration.ofMinutes(10), clock);
        h.add(reading("old", 1));
        h.add(reading("new", 2));
        assertEquals(1, h.refused(), "the slot is taken");
        clock.advance(Duration.ofMinutes(11));
        h.add(reading("new", 3));
        assertEquals(1, h.seriesCount());
        ReadingHistory.Slice s = h.since(h.epoch(), 0);
        assertEquals("new temperature.celsius", s.series().get(0).name());
        assertEquals(1, s.series().get(0).points().size());
        clock.advance(Duration.ofMinutes(11));
        assertTrue(h.since(h.epoch(), 0).series().isEmpty(), "a query expires points too");
        assertEquals(0, h.pointCount());
    }

    @Test
    void aReplayedBacklogOlderThanTheWindowIsNotKept() {
        ReadingHistory h = new ReadingHistory(4, 4, 10, Duration.ofMinutes(10), clock);
        h.add(Reading.of("d", "m").field("v", 1.0).at(clock.instant().minus(Duration.ofHours(3))).build());
        assertEquals(0, h.pointCount());
        assertEquals(0, h.since(h.epoch(), 0).last());
    }

    @Test
    void sinceReturnsOnlyNewerPointsAndAnUnknownSinceMeansReset() {
        ReadingHistory h = new ReadingHistory(4, 4, 10, Duration.ofMinutes(10), clock);
        h.add(reading("a", 1));
        h.add(reading("b", 2));
        long last = h.since(h.epoch(), 0).last();
        h.add(reading("b", 3));
        ReadingHistory.Slice next = h.since(h.epoch(), last);
        assertFalse(next.reset());
        assertEquals(1, next.series().size());
        assertEquals("b temperature.celsius", next.series().get(0).name());
        assertEquals(3.0, next.series().get(0).points().get(0).value());
        assertTrue(h.since(h.epoch(), next.last()).series().isEmpty(), "nothing new, nothing sent");

        ReadingHistory.Slice afterRestart = h.since(h.epoch(), next.last() + 1000);
        assertTrue(afterRestart.reset(), "a since from before a restart is unknown here");
        assertEquals(3, afterRestart.series().stream().mapToInt(s -> s.points().size()).sum());
        assertTrue(h.since(h.epoch(), -5).reset());
    }

    @Test
    void sequenceNumbersOfAnotherHistoryAreVoid() {
        ReadingHistory before = new ReadingHistory(4, 4, 10, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 5; i++) before.add(reading("a", i));
        long seenBefore = before.since(before.epoch(), 0).last();
        // the bundle restarts: a new history that has already numbered more points than the page saw
        ReadingHistory after = new ReadingHistory(4, 4, 10, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 9; i++) after.add(reading("a", 100 + i));
        ReadingHistory.Slice s = after.since(before.epoch(), seenBefore);
        assertTrue(s.reset(), "the page must drop what it has");
        assertEquals(9, s.series().get(0).points().size(), "and gets everything, not just what came after 5");
        assertTrue(after.since(null, 0).reset(), "a first request has no epoch");
        assertFalse(after.since(after.epoch(), 0).reset());
        assertFalse(before.epoch().equals(after.epoch()));
    }

    @Test
    void numbersAndBooleansAreChartedStringsAreNot() {
        ReadingHistory h = new ReadingHistory(8, 8, 10, Duration.ofMinutes(10), clock);
        h.add(Reading.of("plug", "relay").tag("outlet", "2").field("on", true).field("power_w", 11L).field("alias", "Fridge")
                .at(clock.instant()).build());
        List<ReadingHistory.Series> s = h.since(h.epoch(), 0).series();
        assertEquals(List.of("plug relay{outlet=2}.on", "plug relay{outlet=2}.power_w"), s.stream().map(ReadingHistory.Series::name).toList());
        assertEquals(1.0, s.get(0).points().get(0).value());
        assertEquals(11.0, s.get(1).points().get(0).value());
    }

    @Test
    void longNamesAreCut() {
        ReadingHistory h = new ReadingHistory(8, 8, 10, Duration.ofMinutes(10), clock);
        String longDevice = "d".repeat(Reading.MAX_NAME_LENGTH);
        h.add(Reading.of(longDevice, "m".repeat(Reading.MAX_NAME_LENGTH)).tag("k", "v".repeat(1000)).field("x", 1.0)
                .at(clock.instant()).build());
        String name = h.since(h.epoch(), 0).series().get(0).name();
        assertEquals(ReadingHistory.MAX_NAME, name.length());
        assertTrue(name.endsWith("\u2026"));
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ReadingHistory(0, 0, 10, Duration.ofMinutes(1), clock));
        assertThrows(IllegalArgumentException.class, () -> new ReadingHistory(1, 1, 0, Duration.ofMinutes(1), clock));
        assertThrows(IllegalArgumentException.class, () -> new ReadingHistory(1, 0, 1, Duration.ofMinutes(1), clock));
        assertThrows(IllegalArgumentException.class, () -> new ReadingHistory(1, 1, 1, Duration.ZERO, clock));
    }

    @Test
    void memoryStaysBoundedUnderAFlood() {
        ReadingHistory h = new ReadingHistory(16, 16, 300, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 200_000; i++) {
            h.add(Reading.of("dev-" + (i % 50), "m").field("a", i).field("b", -i).at(clock.instant()).build());
            if (i % 1000 == 0) clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(16, h.seriesCount());
        assertTrue(h.pointCount() <= 16 * 300, "points held: " + h.pointCount());
    }
}
