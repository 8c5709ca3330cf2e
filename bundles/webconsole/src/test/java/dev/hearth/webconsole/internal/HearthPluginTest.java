package dev.hearth.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

class HearthPluginTest {

    private static WebConsolePageConfig config(int maxSeries, int maxPoints) {
        return new WebConsolePageConfig() {
            @Override public Class<? extends Annotation> annotationType() { return WebConsolePageConfig.class; }
            @Override public int window__minutes() { return 10; }
            @Override public int max__series() { return maxSeries; }
            @Override public int max__series__per__device() { return maxSeries; }
            @Override public int max__points() { return maxPoints; }
            @Override public int poll__ms() { return 2000; }
        };
    }

    @Test
    void everyReadingOfEveryBatchIsDeliveredEvenWhenTheHistoryIsFull() {
        HearthPlugin plugin = new HearthPlugin(config(1, 2));
        List<Reading> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            batch.add(Reading.of("d" + (i % 7), "m").field("v", i).field("s", "text").at(Instant.now()).build());
        }
        List<Outcome> out = plugin.deliver(batch);
        assertEquals(500, out.size());
        assertEquals(List.of(Outcome.DELIVERED), out.stream().distinct().toList(),
                "the page's sink must never hold the journal back");
        assertEquals(List.of(), plugin.deliver(List.of()));
    }

    @Test
    void malformedSinceMeansEverything() {
        assertEquals(0, HearthPlugin.parseSince(null));
        assertEquals(0, HearthPlugin.parseSince(""));
        assertEquals(0, HearthPlugin.parseSince("abc"));
        assertEquals(0, HearthPlugin.parseSince("-5"));
        assertEquals(0, HearthPlugin.parseSince("1".repeat(5000)));
        assertEquals(0, HearthPlugin.parseSince("99999999999999999999"));
        assertEquals(42, HearthPlugin.parseSince("42"));
    }
}
