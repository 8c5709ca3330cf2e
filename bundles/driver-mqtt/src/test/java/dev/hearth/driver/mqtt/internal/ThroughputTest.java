package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hearth.testkit.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import dev.hearth.api.Reading;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.testkit.RecordingStatusReporter;

/**
 * A burst of QoS 1 messages from 100 devices, published as fast as one client can, against
 * Mosquitto's default settings: every message becomes exactly one reading. Prints the rate; not a
 * benchmark (the publisher here commits instantly), a check that batching and ack-after-commit keep
 * up without the broker dropping anything.
 */
class ThroughputTest {

    private static final int MESSAGES = 20_000;
    /** The first round runs on a cold JIT. */
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @Test
    void aQos1BurstArrivesCompletely() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (Mosquitto broker = new Mosquitto(dir, null).start()) {
            RecordingPublisher journal = new RecordingPublisher();
            MqttInputDriver driver = new MqttInputDriver(Configs.settings(Map.of("port", broker.port(), "mode", "json",
                    "topics", new String[] { "bench/+" }, "json__time__field", "seq")), journal, new RecordingStatusReporter(), scheduler);
            driver.connection().subscribed().get(10, TimeUnit.SECONDS);
            Mqtt5AsyncClient pub = MqttClient.builder().useMqttVersion5().identifier("bench-pub").serverHost("127.0.0.1")
                    .serverPort(broker.port()).executorConfig().nettyThreads(1).applyExecutorConfig().buildAsync();
            pub.connect().get();
            for (int round = 0; round < ROUNDS; round++) {
                journal.clear();
                long committedBefore = driver.batcher().committed();
                int offset = round * MESSAGES;
                long start = System.nanoTime();
                List<CompletableFuture<?>> sent = new ArrayList<>(MESSAGES);
                for (int i = 0; i < MESSAGES; i++) {
                    // seq as epoch seconds: every message its own timestamp, so ids are distinct
                    byte[] payload = ("{\"seq\":" + (1_700_000_000L + offset + i) + ",\"temperature\":21.5,\"humidity\":40}").getBytes(StandardCharsets.UTF_8);
                    sent.add(pub.publishWith().topic("bench/dev" + (i % 100)).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
                }
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
                List<Reading> got = journal.await(r -> true, MESSAGES, Duration.ofSeconds(60));
                double seconds = (System.nanoTime() - start) / 1e9;
                Set<String> ids = new HashSet<>();
                for (Reading r : got) ids.add(r.id());
                assertEquals(MESSAGES, ids.size());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (driver.batcher().committed() - committedBefore < MESSAGES && System.nanoTime() < deadline) Thread.sleep(10);
                assertEquals(MESSAGES, driver.batcher().committed() - committedBefore);
                System.out.printf("mqtt input, round " + round + ": %d QoS 1 messages in %.2f s = %.0f msg/s%n", MESSAGES, seconds, MESSAGES / seconds);
            }
            driver.deactivate();

            // the ceiling: a bare subscriber that only counts the same burst (automatic acknowledgement)
            AtomicInteger counted = new AtomicInteger();
            Mqtt5AsyncClient bare = MqttClient.builder().useMqttVersion5().identifier("bench-bare").serverHost("127.0.0.1")
                    .serverPort(broker.port()).executorConfig().nettyThreads(1).applyExecutorConfig().buildAsync();
            bare.connect().get();
            bare.subscribeWith().topicFilter("bare/+").qos(MqttQos.AT_LEAST_ONCE).callback(p -> counted.incrementAndGet()).send().get();
            long bareStart = System.nanoTime();
            List<CompletableFuture<?>> bareSent = new ArrayList<>(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                byte[] payload = ("{\"seq\":" + (1_700_000_000L + i) + ",\"temperature\":21.5,\"humidity\":40}").getBytes(StandardCharsets.UTF_8);
                bareSent.add(pub.publishWith().topic("bare/dev" + (i % 100)).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
            }
            CompletableFuture.allOf(bareSent.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            long bareDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (counted.get() < MESSAGES && System.nanoTime() < bareDeadline) Thread.sleep(1);
            double bareSeconds = (System.nanoTime() - bareStart) / 1e9;
            System.out.printf("bare subscriber: %d of %d QoS 1 messages in %.2f s = %.0f msg/s%n", counted.get(), MESSAGES,
                    bareSeconds, counted.get() / bareSeconds);
            bare.disconnect().get();
            pub.disconnect().get();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
