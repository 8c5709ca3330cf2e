package dev.hearth.sink.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.json.ReadingJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.testkit.MutableClock;

class JsonLinesStoreTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);

    StoreSettings settings(long maxFileBytes, int maxFiles, long maxTotalBytes, int window) {
        return new StoreSettings(dir, maxFileBytes, Duration.ofHours(24), maxFiles, maxTotalBytes, true, window);
    }

    StoreSettings defaults() {
        return settings(16 * StoreSettings.MIB, 30, 512 * StoreSettings.MIB, 20_000);
    }

    static Reading reading(long seq) {
        return Reading.of("dev-" + (seq % 3), "load").tag("site", "lab").field("seq", seq).field("value", seq / 4.0)
                .at(Instant.ofEpochMilli(1_767_225_600_000L + seq)).build();
    }

    static List<Reading> readings(long from, long to) {
        List<Reading> out = new ArrayList<>();
        for (long s = from; s <= to; s++) out.add(reading(s));
        return out;
    }

    List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    List<String> allLines(JsonLinesStore store) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : store.rotatedFiles()) out.addAll(lines(p));
        if (Files.exists(store.currentFile())) out.addAll(lines(store.currentFile()));
        return out;
    }

    static void assertAllDelivered(List<Outcome> outcomes, int n) {
        assertEquals(n, outcomes.size());
        outcomes.forEach(o -> assertEquals(Outcome.Status.DELIVERED, o.status(), String.valueOf(o)));
    }

    @Test
    void roundTripKeepsEveryPartAndType() throws IOException {
        Reading r = Reading.of("kitchen", "climate").tag("room", "kitchen").field("count", 42L).field("temp", 21.0)
                .field("ok", true).field("note", "fine").at(Instant.parse("2026-03-04T05:06:07.123456789Z")).build();
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            assertAllDelivered(store.write(List.of(r)), 1);
        }
        String line = lines(dir.resolve("readings.jsonl")).get(0);
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertEquals(r.id(), o.get("id").getAsString());
        assertEquals("kitchen", o.get("device").getAsString());
        assertEquals("climate", o.get("measurement").getAsString());
        assertEquals("2026-03-04T05:06:07.123456789Z", o.get("time").getAsString());
        assertEquals("kitchen", o.getAsJsonObject("tags").get("room").getAsString());
        JsonObject f = o.getAsJsonObject("fields");
        assertEquals("42", f.get("count").toString(), "an integer stays an integer");
        assertEquals("21.0", f.get("temp").toString(), "a double keeps its decimal point");
        assertEquals("true", f.get("ok").toString());
        assertEquals("\"fine\"", f.get("note").toString());
        assertTrue(line.startsWith("{\"id\":\""), "the id leads, so reopening can read it without parsing");
        assertEquals(r, parse(o), "the line holds everything needed to rebuild the reading");
    }

    static Reading parse(JsonObject o) {
        Reading.Builder b = Reading.of(o.get("device").getAsString(), o.get("measurement").getAsString())
                .at(Instant.parse(o.get("time").getAsString()));
        o.getAsJsonObject("tags").entrySet().forEach(e -> b.tag(e.getKey(), e.getValue().getAsString()));
        o.getAsJsonObject("fields").entrySet().forEach(e -> {
            var p = e.getValue().getAsJsonPrimitive();
            if (p.isBoolean()) b.field(e.getKey(), p.getAsBoolean());
            else if (p.isString()) b.field(e.getKey(), p.getAsString());
            else if (p.toString().matches("-?\\d+")) b.field(e.getKey(), p.getAsLong());
            else b.field(e.getKey(), p.getAsDouble());
        });
        return b.build();
    }

    @Test
    void hostileStringsStayOneValidLineEach() throws IOException {
        String[] hostile = {"quote \" and \\ backslash", "new\nline\r\nand\ttab", "nul \0 bell \u0007 esc \u001b[31m del \u007f",
                "line sep \u2028 para \u2029", "ünïcödé ✓ 温度 🔥", "}{\"id\":\"forged\"}\n{", "</script><!--"};
        List<Reading> batch = new ArrayList<>();
        for (int i = 0; i < hostile.length; i++) {
            batch.add(Reading.of("dev" + i, "m").tag("t", hostile[i]).field("s", hostile[i]).field("n", (long) i)
                    .at(T0.plusMillis(i)).build());
        }
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            assertAllDelivered(store.write(batch), batch.size());
        }
        List<String> lines = lines(dir.resolve("readings.jsonl"));
        assertEquals(hostile.length, lines.size(), "one line per reading whatever the strings hold");
        for (int i = 0; i < hostile.length; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(hostile[i], o.getAsJsonObject("fields").get("s").getAsString());
            assertEquals(hostile[i], o.getAsJsonObject("tags").get("t").getAsString());
            assertEquals(batch.get(i), parse(o));
            assertEquals(batch.get(i).id(), o.get("id").getAsString());
        }
    }

    @Test
    void rotatesBySizeBeforeTheFileWouldOverflow() throws IOException {
        int lineBytes = (ReadingJson.of(reading(95)) + "\n").getBytes(StandardCharsets.UTF_8).length;
        long max = lineBytes * 10L + 5;
        try (JsonLinesStore store = new JsonLinesStore(settings(max, 30, Long.MAX_VALUE, 1000), clock)) {
            for (long s = 1; s <= 95; s += 5) {
                assertAllDelivered(store.write(readings(s, s + 4)), 5);
                clock.advance(Duration.ofSeconds(1));
            }
            List<Path> rotated = store.rotatedFiles();
            assertEquals(9, rotated.size(), "95 readings in files of at most 10: nine full rotated files and the current");
            for (Path p : rotated) {
                assertTrue(Files.size(p) <= max, p + " is " + Files.size(p) + " bytes");
                assertTrue(JsonLinesStore.ROTATED.matcher(p.getFileName().toString()).matches());
            }
            List<String> all = allLines(store);
            assertEquals(95, all.size());
            for (int i = 0; i < 95; i++) {
                assertEquals(reading(i + 1).id(), JsonLinesStore.idOf(all.get(i)), "order is kept across files");
            }
        }
    }

    @Test
    void rotatesByAgeEvenAcrossReopen() throws IOException {
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            store.write(readings(1, 3));
            clock.advance(Duration.ofHours(23));
            store.write(readings(4, 6));
            assertEquals(0, store.rotatedFiles().size(), "23 hours old is not due yet");
        }
        clock.advance(Duration.ofHours(1));
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            store.write(readings(7, 8));
            List<Path> rotated = store.rotatedFiles();
            assertEquals(1, rotated.size(), "24 hours after it was started, counted across the restart");
            assertEquals("readings-20260102T000000Z.jsonl", rotated.get(0).getFileName().toString());
            assertEquals(6, lines(rotated.get(0)).size());
            assertEquals(2, lines(store.currentFile()).size());
        }
    }

    @Test
    void rotatedNamesAreUniqueWithinOneSecond() throws IOException {
        int lineBytes = (ReadingJson.of(reading(1)) + "\n").getBytes(StandardCharsets.UTF_8).length;
        try (JsonLinesStore store = new JsonLinesStore(settings(lineBytes, 30, Long.MAX_VALUE, 100), clock)) {
            for (long s = 1; s <= 4; s++) store.write(List.of(reading(s)));
            List<String> names = store.rotatedFiles().stream().map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of("readings-20260101T000000Z.jsonl", "readings-20260101T000000Z-1.jsonl",
                    "readings-20260101T000000Z-2.jsonl"), names);
            List<String> all = allLines(store);
            for (int i = 0; i < 4; i++) assertEquals(reading(i + 1).id(), JsonLinesStore.idOf(all.get(i)));
        }
    }

    @Test
    void retentionDeletesTheOldestRotatedFilesByCountAndBySize() throws IOException {
        int lineBytes = (ReadingJson.of(reading(11)) + "\n").getBytes(StandardCharsets.UTF_8).length;
        try (JsonLinesStore store = new JsonLinesStore(settings(lineBytes, 3, Long.MAX_VALUE, 100), clock)) {
            for (long s = 1; s <= 10; s++) {
                store.write(List.of(reading(s)));
                clock.advance(Duration.ofSeconds(1));
            }
            List<Path> rotated = store.rotatedFiles();
            assertEquals(3, rotated.size());
            assertEquals(reading(7).id(), JsonLinesStore.idOf(lines(rotated.get(0)).get(0)), "the newest three are kept");
            assertEquals(reading(10).id(), JsonLinesStore.idOf(lines(store.currentFile()).get(0)));
        }
        // by size: room for the current file and two rotated ones
        try (JsonLinesStore store = new JsonLinesStore(settings(lineBytes, 30, lineBytes * 3L + 10, 100), clock)) {
            store.write(List.of(reading(11)));
            assertEquals(2, store.rotatedFiles().size());
            long total = Files.size(store.currentFile());
            for (Path p : store.rotatedFiles()) total += Files.size(p);
            assertTrue(total <= lineBytes * 3L + 10);
        }
    }

    @Test
    void aTornLastLineIsCutOffOnOpen() throws IOException {
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            store.write(readings(1, 3));
        }
        Path file = dir.resolve("readings.jsonl");
        String torn = ReadingJson.of(reading(4));
        Files.writeString(file, torn.substring(0, torn.length() / 2), StandardOpenOption.APPEND);
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            assertAllDelivered(store.write(readings(4, 5)), 2);
        }
        List<String> lines = lines(file);
        assertEquals(5, lines.size());
        for (int i = 0; i < 5; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(reading(i + 1).id(), o.get("id").getAsString());
        }
    }

    @Test
    void aFileOfOnlyATornLineIsEmptied() throws IOException {
        Files.writeString(dir.resolve("readings.jsonl"), "{\"id\":\"abc");
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            store.write(readings(1, 1));
        }
        assertEquals(1, lines(dir.resolve("readings.jsonl")).size());
    }

    @Test
    void replaysAfterReopenAreSkippedButAnsweredDelivered() throws IOException {
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            assertAllDelivered(store.write(readings(1, 100)), 100);
        }
        // the crash came before the core saw the acknowledgement: it replays 51..100, then goes on
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            store.open();
            assertEquals(100, store.rememberedIds());
            assertAllDelivered(store.write(readings(51, 150)), 100);
            assertAllDelivered(store.write(readings(150, 150)), 1);
        }
        List<String> lines = lines(dir.resolve("readings.jsonl"));
        assertEquals(150, lines.size());
        for (int i = 0; i < 150; i++) assertEquals(reading(i + 1).id(), JsonLinesStore.idOf(lines.get(i)));
    }

    @Test
    void theWindowReachesIntoTheNewestRotatedFile() throws IOException {
        int lineBytes = (ReadingJson.of(reading(1)) + "\n").getBytes(StandardCharsets.UTF_8).length;
        StoreSettings s = settings(lineBytes * 10L, 30, Long.MAX_VALUE, 15);
        try (JsonLinesStore store = new JsonLinesStore(s, clock)) {
            for (long i = 1; i <= 12; i++) store.write(List.of(reading(i)));
            assertEquals(1, store.rotatedFiles().size());
        }
        try (JsonLinesStore store = new JsonLinesStore(s, clock)) {
            store.open();
            assertEquals(12, store.rememberedIds(), "2 from the current file and 10 from the rotated one");
            store.write(readings(1, 12));
            assertEquals(12, allLines(store).size(), "nothing written twice");
        }
        StoreSettings small = settings(lineBytes * 10L, 30, Long.MAX_VALUE, 5);
        try (JsonLinesStore store = new JsonLinesStore(small, clock)) {
            store.open();
            assertEquals(5, store.rememberedIds(), "the window bounds what is loaded");
            store.write(readings(8, 12));
            assertEquals(12, allLines(store).size());
        }
    }

    @Test
    void aDuplicateInsideOneBatchIsWrittenOnce() throws IOException {
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock)) {
            assertAllDelivered(store.write(List.of(reading(1), reading(2), reading(1))), 3);
        }
        assertEquals(2, lines(dir.resolve("readings.jsonl")).size());
    }

    @Test
    void aFailedWriteIsRetriedAndLeavesNoPartialLine() throws IOException {
        List<FailingChannel> channels = new ArrayList<>();
        JsonLinesStore.ChannelOpener opener = f -> {
            FailingChannel c = new FailingChannel(FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
            channels.add(c);
            return c;
        };
        Path file = dir.resolve("readings.jsonl");
        try (JsonLinesStore store = new JsonLinesStore(defaults(), clock, opener)) {
            assertAllDelivered(store.write(readings(1, 3)), 3);
            long before = Files.size(file);
            channels.get(channels.size() - 1).failAfter = 300; // mid-way through the second line of the batch
            List<Outcome> outcomes = store.write(readings(4, 8));
            assertEquals(5, outcomes.size());
            for (Outcome o : outcomes) {
                assertEquals(Outcome.Status.RETRY, o.status());
                assertTrue(o.reason().contains("No space left on device"), o.reason());
            }
            assertEquals(before, Files.size(file), "the file is cut back to where the batch began");

            channels.get(channels.size() - 1).failAfter = Long.MAX_VALUE; // space again
            assertAllDelivered(store.write(readings(4, 8)), 5);
        }
        List<String> lines = lines(file);
        assertEquals(8, lines.size(), "the retried batch is written exactly once");
        for (int i = 0; i < 8; i++) assertEquals(reading(i + 1).id(), JsonLinesStore.idOf(lines.get(i)));
    }

    @Test
    void anUnusableDirectoryAnswersRetryWithTheReason() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        StoreSettings s = new StoreSettings(blocker.resolve("readings"), StoreSettings.MIB, Duration.ofHours(1), 3,
                StoreSettings.MIB * 10, false, 100);
        try (JsonLinesStore store = new JsonLinesStore(s, clock)) {
            List<Outcome> outcomes = store.write(readings(1, 2));
            assertEquals(2, outcomes.size());
            outcomes.forEach(o -> {
                assertEquals(Outcome.Status.RETRY, o.status());
                assertTrue(o.reason().startsWith("cannot open " + blocker.resolve("readings")), o.reason());
            });
            // the problem is fixed while the sink runs: the next delivery opens it
            Files.delete(blocker);
            assertAllDelivered(store.write(readings(1, 2)), 2);
            assertEquals(2, lines(store.currentFile()).size());
        }
    }

    @Test
    void linesBackwardsCrossesChunkBoundaries() throws IOException {
        Path f = dir.resolve("big.jsonl");
        List<String> written = IntStream.range(0, 3000).mapToObj(i -> "{\"id\":\"" + i + "\",\"pad\":\"" + "x".repeat(i % 97) + "\"}")
                .toList();
        Files.write(f, written, StandardCharsets.UTF_8);
        List<String> back = new ArrayList<>();
        assertTrue(JsonLinesStore.linesBackwards(f, Long.MAX_VALUE, back::add));
        assertEquals(3000, back.size());
        for (int i = 0; i < 3000; i++) assertEquals(written.get(2999 - i), back.get(i));
        assertNotNull(JsonLinesStore.idOf("{\"device\":\"x\",\"id\":\"later\"}"));
        assertEquals("later", JsonLinesStore.idOf("{\"device\":\"x\",\"id\":\"later\"}"));
        assertEquals(null, JsonLinesStore.idOf("garbage"));
    }
}
