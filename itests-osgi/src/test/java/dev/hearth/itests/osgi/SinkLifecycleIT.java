package dev.hearth.itests.osgi;

import static dev.hearth.itests.osgi.Hearth.dict;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.SinkStatus;

/**
 * The real file sink is stopped, updated, started, uninstalled and reinstalled from the same
 * location while readings keep being accepted; its backlog is kept while it is away, and in the
 * end every reading is in its files exactly once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SinkLifecycleIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SINK = "file";
    private static final String DEVICE = "lifecycle";
    private static final long EPOCH = 1_767_225_600_000L;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private GatewayStatus status;

    @Inject
    private ReadingPublisher publisher;

    private Path directory;

    @Configuration
    public Option[] config() {
        return options(HearthOptions.base("sink-lifecycle"));
    }

    @Test
    public void backlogIsKeptAcrossStopUpdateAndReinstallAndDeliveredOnce() throws Exception {
        directory = HearthOptions.testDirectory("readings");
        configAdmin.getConfiguration("dev.hearth.sink.file", "?").update(dict("directory", directory.toString()));

        String location = HearthOptions.url("hearth-sink-file");
        Bundle sink = context.installBundle(location);
        sink.start();
        awaitSink("file sink registered", s -> s.registered());

        // running: delivered as published
        publish(1, 100);
        awaitFile(100);

        // stopped: readings are accepted and wait in its backlog
        sink.stop();
        awaitSink("file sink unregistered", s -> !s.registered());
        publish(101, 300);
        SinkStatus away = awaitSink("a backlog of 200 while stopped", s -> !s.registered() && s.backlog() == 200);
        assertEquals(200, away.backlog());
        assertFalse(away.registered());
        assertEquals("nothing written while stopped", 100, lines().size());

        // updated while stopped: stays stopped until started, then delivers the backlog
        sink.update();
        assertNotEquals(Bundle.ACTIVE, sink.getState());
        publish(301, 350);
        awaitSink("a backlog of 250 after update", s -> !s.registered() && s.backlog() == 250);
        sink.start();
        awaitFile(350);
        awaitSink("backlog delivered after update and start", s -> s.registered() && s.backlog() == 0);

        // uninstalled: its cursor and backlog stay; reinstalled from the same location, it resumes
        long oldId = sink.getBundleId();
        sink.uninstall();
        awaitSink("file sink gone after uninstall", s -> !s.registered());
        publish(351, 500);
        awaitSink("a backlog of 150 while uninstalled", s -> !s.registered() && s.backlog() == 150);
        assertEquals(350, lines().size());

        Bundle again = context.installBundle(location);
        assertNotEquals(oldId, again.getBundleId());
        assertEquals(location, again.getLocation());
        again.start();
        awaitFile(500);
        awaitSink("backlog delivered after reinstall", s -> s.registered() && s.backlog() == 0);

        // exactly once: every seq 1..500 once, every id once
        List<JsonObject> all = lines();
        List<Long> seqs = all.stream().map(o -> o.getAsJsonObject("fields").get("seq").getAsLong()).sorted().toList();
        Hearth.assertSeqs("seq in " + directory + ", sorted", 1, 500, seqs);
        Set<String> ids = new HashSet<>();
        for (JsonObject o : all) {
            assertTrue("id once: " + o, ids.add(o.get("id").getAsString()));
            assertEquals(DEVICE, o.get("device").getAsString());
        }
    }

    private void publish(long from, long to) throws Exception {
        List<Reading> batch = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            batch.add(Reading.of(DEVICE, "load").field("seq", n).field("value", n / 10.0).at(Instant.ofEpochMilli(EPOCH + n)).build());
        }
        // accepted = committed to the journal
        publisher.publish(batch).toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private SinkStatus awaitSink(String what, java.util.function.Predicate<SinkStatus> done) throws InterruptedException {
        return Poll.until(what, TIMEOUT, () -> Hearth.sink(status, SINK).orElse(null), s -> s != null && done.test(s));
    }

    private void awaitFile(int count) throws InterruptedException {
        Poll.until(count + " lines in " + directory, TIMEOUT, () -> {
            try {
                return lines().size();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, n -> n >= count);
    }

    /** Every line of every file the sink wrote (current and rotated). */
    private List<JsonObject> lines() throws IOException {
        List<JsonObject> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = s.filter(p -> p.getFileName().toString().matches("readings.*\\.jsonl")).sorted().toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) out.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return out;
    }
}
