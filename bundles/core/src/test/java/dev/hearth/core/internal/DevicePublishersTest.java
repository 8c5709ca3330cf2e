package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;
import dev.hearth.api.status.DevicePublisher;

/** The device → publishing bundle records the health check after an OTA relies on. */
class DevicePublishersTest {

    private static Reading reading(String device) {
        return Reading.of(device, "m").field("v", 1.0).at(Instant.parse("2026-11-28T10:00:00Z")).build();
    }

    @Test
    void theLastPublishingBundleIsRecordedPerDevice() {
        DeviceRegistry r = new DeviceRegistry();
        r.publishedBy(List.of(reading("b"), reading("a"), reading("a")), 7, "dev.x.one", "1.0.0");
        r.publishedBy(List.of(reading("c")), 9, "dev.x.two", "2.0.0");
        assertEquals(List.of(new DevicePublisher("a", 7, "dev.x.one", "1.0.0"), new DevicePublisher("b", 7, "dev.x.one", "1.0.0"),
                new DevicePublisher("c", 9, "dev.x.two", "2.0.0")), r.publishers(), "ordered by device");
        // the same bundle updated (same id), then another bundle taking a device over
        r.publishedBy(List.of(reading("a")), 7, "dev.x.one", "1.1.0");
        r.publishedBy(List.of(reading("b")), 9, "dev.x.two", "2.0.0");
        assertEquals(List.of(new DevicePublisher("a", 7, "dev.x.one", "1.1.0"), new DevicePublisher("b", 9, "dev.x.two", "2.0.0"),
                new DevicePublisher("c", 9, "dev.x.two", "2.0.0")), r.publishers());
        r.remove("b");
        assertEquals(List.of("a", "c"), r.publishers().stream().map(DevicePublisher::device).toList(), "removed with the device");
    }

    @Test
    void publishingAloneDoesNotListADevice() {
        // the bus may refuse the publish: only accepted readings and status reports make a device appear
        DeviceRegistry r = new DeviceRegistry();
        r.publishedBy(List.of(reading("a")), 7, "dev.x.one", "1.0.0");
        assertTrue(r.snapshot().isEmpty());
        r.report(new DeviceStatus("a", DeviceState.ONLINE, "ok", Instant.now(), java.util.Map.of()));
        assertEquals(List.of("a"), r.snapshot().stream().map(d -> d.device()).toList());
        assertTrue(r.snapshot().get(0).details().isEmpty(), "details stay the driver's own");
    }

    @Test
    void theBundlePublisherRecordsThenDelegates() {
        DeviceRegistry r = new DeviceRegistry();
        List<List<Reading>> delegated = new java.util.ArrayList<>();
        ReadingPublisher core = new ReadingPublisher() {
            @Override
            public CompletionStage<Void> publish(Reading reading) {
                return publish(List.of(reading));
            }

            @Override
            public CompletionStage<Void> publish(List<Reading> readings) {
                delegated.add(readings);
                return CompletableFuture.completedFuture(null);
            }
        };
        new PublisherFactory.BundlePublisher(core, r, 12, "dev.x.drv", "0.3.0").publish(reading("z"));
        assertEquals(1, delegated.size());
        assertEquals(List.of(new DevicePublisher("z", 12, "dev.x.drv", "0.3.0")), r.publishers());
    }
}
