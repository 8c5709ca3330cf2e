package dev.hearth.sink.file.internal;

import dev.hearth.json.ReadingJsonEncoder;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

/**
 * Rotated JSON-lines files in one directory, written exactly once per reading id. No OSGi.
 *
 * <ul>
 * <li>{@code readings.jsonl} is the current file. It is rotated, before a batch would push it past
 * {@link StoreSettings#maxFileBytes()} or once it is {@link StoreSettings#rotateAfter()} old, by
 * renaming it to {@code readings-<UTC yyyyMMdd'T'HHmmss'Z'>[-n].jsonl} (the rotation time, with a
 * counter when that name is taken). Its start time lives in {@code .readings.jsonl.started}, because
 * Linux file systems do not reliably report a file's creation time and the age must survive
 * restarts.</li>
 * <li>Retention deletes the oldest rotated files while there are more than
 * {@link StoreSettings#maxFiles()} of them or all files together exceed
 * {@link StoreSettings#maxTotalBytes()}. The current file is never deleted.</li>
 * <li>A batch is written with one positional write and, with {@code fsync}, forced before it is
 * answered. If anything fails the file is truncated back to its length before the batch and every
 * reading of the batch is answered RETRY, so a batch is on disk whole or not at all.</li>
 * <li>Exactly once across crashes: the core replays readings it had not seen acknowledged. On
 * open, a torn last line (a crash mid-write) is cut off, and the ids of the newest
 * {@link StoreSettings#dedupWindow()} lines are loaded; a reading whose id is among them is
 * answered DELIVERED without writing it again.</li>
 * </ul>
 *
 * <p>Thread-safe (methods are synchronized); the core calls a sink from one thread anyway.
 */
final class JsonLinesStore implements Closeable {

    static final String CURRENT = "readings.jsonl";
    static final String STARTED = ".readings.jsonl.started";
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final Pattern ROTATED = Pattern.compile("readings-(\\d{8}T\\d{6}Z)(?:-(\\d{1,9}))?\\.jsonl");

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesStore.class);
    private static final int READ_CHUNK = 64 * 1024;
    private static final String ID_PREFIX = "{\"id\":\"";

    /** Opens the current file; tests replace it to make writes fail part-way. */
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }

    private final StoreSettings settings;
    private final Clock clock;
    private final ChannelOpener opener;
    private final Path current;
    private final RecentIds recent;

    private FileChannel channel;
    private long length;
    private Instant started;

    JsonLinesStore(StoreSettings settings, Clock clock) {
        this(settings, clock, file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    JsonLinesStore(StoreSettings settings, Clock clock, ChannelOpener opener) {
        this.settings = settings;
        this.clock = clock;
        this.opener = opener;
        this.current = settings.directory().resolve(CURRENT);
        this.recent = new RecentIds(settings.dedupWindow());
    }

    /**
     * Opens the directory now, so that a problem shows at start; {@link #write} opens it lazily
     * otherwise (and again after a failure).
     */
    /** The one writer of a reading's JSON (the MQTT sink's payload too); reused, guarded by this. */
    private final ReadingJsonEncoder encoder = new ReadingJsonEncoder();

    synchronized void open() throws IOException {
        if (channel != null) return;
        Files.createDirectories(settings.directory());
        FileChannel ch = opener.open(current);
        try {
            long size = ch.size();
            size = repairTornTail(ch, size);
            length = size;
            channel = ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
        try {
            started = length > 0 ? readStarted() : null;
            if (started == null) {
                started = clock.instant();
                writeStarted(started);
            }
            loadRecentIds();
        } catch (IOException | RuntimeException e) {
            // without the ids a replay would be written twice: better not to write at all
            closeQuietly(channel);
            channel = null;
            throw e;
        }
        applyRetention(0);
    }

    /** Writes a batch; one outcome per reading, in order. Never throws. */
    synchronized List<Outcome> write(List<Reading> batch) {
        if (channel == null) {
            try {
                open();
            } catch (IOException | RuntimeException e) {
                return Outcome.all(Outcome.retry("cannot open " + current + ": " + describe(e)), batch.size());
            }
        }
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream(batch.size() * 200);
        List<String> written = new ArrayList<>(batch.size());
        Set<String> inBatch = new HashSet<>();
        for (Reading r : batch) {
            String id = r.id();
            if (recent.contains(id) || !inBatch.add(id)) {
                outcomes.add(Outcome.DELIVERED); // written before: a replay after a crash or a retry
                continue;
            }
            try {
                lines.writeBytes(encoder.encode(r));
                lines.write('\n');
                written.add(id);
                outcomes.add(Outcome.DELIVERED);
            } catch (RuntimeException e) {
                inBatch.remove(id);
                outcomes.add(Outcome.rejected("cannot encode as JSON: " + describe(e)));
            }
        }
        if (written.isEmpty()) return outcomes;
        byte[] bytes = lines.toByteArray();
        try {
            rotateIfDue(bytes.length);
            append(bytes);
        } catch (IOException | RuntimeException e) {
            String reason = "cannot write " + current + ": " + describe(e);
            LOG.warn("{}; {} readings will be retried", reason, batch.size());
            return Outcome.all(Outcome.retry(reason), batch.size());
        }
        written.forEach(recent::add);
        return outcomes;
    }

    @Override
    public synchronized void close() {
        if (channel == null) return;
        try {
            if (settings.fsync()) channel.force(false);
        } catch (IOException e) {
            LOG.warn("cannot force {} on close: {}", current, describe(e));
        }
        closeQuietly(channel);
        channel = null;
    }

    /** The rotated files, oldest first. */
    synchronized List<Path> rotatedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(settings.directory())) return files;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(settings.directory(), "readings-*.jsonl")) {
            for (Path p : dir) {
                if (ROTATED.matcher(p.getFileName().toString()).matches()) files.add(p);
            }
        }
        files.sort(Comparator.comparing((Path p) -> stampOf(p)).thenComparingInt(JsonLinesStore::counterOf));
        return files;
    }

    Path currentFile() {
        return current;
    }

    synchronized int rememberedIds() {
        return recent.size();
    }

    // --- writing

    private void append(byte[] bytes) throws IOException {
        long before = length;
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long pos = before;
            while (buf.hasRemaining()) pos += channel.write(buf, pos);
            if (settings.fsync()) channel.force(false); // fdatasync: the data and the new length
            length = before + bytes.length;
        } catch (IOException | RuntimeException e) {
            undo(before);
            throw e;
        }
    }

    /** Cuts a failed batch off again; if even that fails, reopening repairs the file and reloads the ids. */
    private void undo(long before) {
        try {
            channel.truncate(before);
            if (settings.fsync()) channel.force(false);
            length = before;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot truncate {} back to {} bytes ({}); it will be repaired when reopened", current, before, describe(e));
            closeQuietly(channel);
            channel = null;
        }
    }

    private void rotateIfDue(int incoming) throws IOException {
        if (length == 0) return;
        Instant now = clock.instant();
        boolean full = length + incoming > settings.maxFileBytes();
        boolean old = !now.isBefore(started.plus(settings.rotateAfter()));
        if (full || old) rotate(now, full ? "size" : "age", incoming);
    }

    private void rotate(Instant now, String why, long incoming) throws IOException {
        if (settings.fsync()) channel.force(false);
        closeQuietly(channel);
        channel = null;
        Path target = uniqueRotatedName(now);
        Files.move(current, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("rotated {} to {} by {}", current, target.getFileName(), why);
        channel = opener.open(current);
        length = channel.size();
        started = now;
        writeStarted(now);
        if (settings.fsync()) forceDirectory();
        applyRetention(incoming);
    }

    private Path uniqueRotatedName(Instant now) {
        String stamp = STAMP.format(now);
        Path p = settings.directory().resolve("readings-" + stamp + ".jsonl");
        for (int n = 1; Files.exists(p); n++) p = settings.directory().resolve("readings-" + stamp + "-" + n + ".jsonl");
        return p;
    }

    /** Deletes the oldest rotated files until the limits hold, counting {@code incoming} bytes about to be written. */
    private void applyRetention(long incoming) {
        try {
            List<Path> rotated = rotatedFiles();
            List<Long> sizes = new ArrayList<>(rotated.size());
            long total = length + incoming;
            for (Path p : rotated) {
                long s = sizeOrZero(p);
                sizes.add(s);
                total += s;
            }
            int count = rotated.size();
            for (int i = 0; i < rotated.size() && (count > settings.maxFiles() || total > settings.maxTotalBytes()); i++) {
                Path p = rotated.get(i);
                Files.deleteIfExists(p);
                count--;
                total -= sizes.get(i);
                LOG.info("deleted {} (retention: at most {} rotated files and {} bytes in all)", p.getFileName(),
                        settings.maxFiles(), settings.maxTotalBytes());
            }
        } catch (IOException e) {
            LOG.warn("cannot apply retention in {}: {}", settings.directory(), describe(e));
        }
    }

    // --- opening

    /** Cuts off a last line without its newline: the crash came mid-write, and its batch was never answered. */
    private static long repairTornTail(FileChannel ch, long size) throws IOException {
        if (size == 0) return 0;
        long keep = 0;
        long pos = size;
        ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
        search:
        while (pos > 0) {
            int n = (int) Math.min(READ_CHUNK, pos);
            pos -= n;
            buf.clear().limit(n);
            readFully(ch, buf, pos);
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    keep = pos + i + 1;
                    break search;
                }
            }
        }
        if (keep < size) {
            LOG.warn("cut a torn last line of {} bytes off the current file (a crash during a write)", size - keep);
            ch.truncate(keep);
            ch.force(false);
        }
        return keep;
    }

    private void loadRecentIds() throws IOException {
        recent.clear();
        int window = recent.capacity();
        if (window == 0) return;
        List<String> newestFirst = new ArrayList<>(Math.min(window, 1 << 16));
        Predicate<String> collect = line -> {
            String id = idOf(line);
            if (id != null) newestFirst.add(id);
            return newestFirst.size() < window;
        };
        boolean more = linesBackwards(current, length, collect);
        if (more) {
            List<Path> rotated = rotatedFiles();
            for (int i = rotated.size() - 1; i >= 0 && more; i--) {
                more = linesBackwards(rotated.get(i), Long.MAX_VALUE, collect);
            }
        }
        for (int i = newestFirst.size() - 1; i >= 0; i--) recent.add(newestFirst.get(i));
        LOG.debug("remembered {} reading ids from {}", recent.size(), settings.directory());
    }

    /**
     * Feeds the lines of {@code file} before {@code end} to {@code consumer}, last line first,
     * until it answers false. Returns whether the consumer wanted more.
     */
    static boolean linesBackwards(Path file, long end, Predicate<String> consumer) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = Math.min(end, ch.size());
            byte[] after = new byte[0]; // the start of the line that continues past this chunk
            while (pos > 0) {
                int n = (int) Math.min(READ_CHUNK, pos);
                pos -= n;
                ByteBuffer buf = ByteBuffer.allocate(n);
                readFully(ch, buf, pos);
                byte[] chunk = buf.array();
                int lineEnd = n;
                for (int i = n - 1; i >= 0; i--) {
                    if (chunk[i] == '\n') {
                        if (!emit(consumer, chunk, i + 1, lineEnd, after)) return false;
                        after = new byte[0];
                        lineEnd = i;
                    }
                }
                byte[] joined = new byte[lineEnd + after.length];
                System.arraycopy(chunk, 0, joined, 0, lineEnd);
                System.arraycopy(after, 0, joined, lineEnd, after.length);
                after = joined;
            }
            return emit(consumer, after, 0, after.length, new byte[0]);
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private static boolean emit(Predicate<String> consumer, byte[] chunk, int from, int to, byte[] after) {
        int len = to - from + after.length;
        if (len == 0) return true;
        byte[] line = new byte[len];
        System.arraycopy(chunk, from, line, 0, to - from);
        System.arraycopy(after, 0, line, to - from, after.length);
        return consumer.test(new String(line, StandardCharsets.UTF_8));
    }

    /** The id of a line: read directly when it leads (as this store writes it), else parsed. */
    static String idOf(String line) {
        if (line.startsWith(ID_PREFIX)) {
            int end = line.indexOf('"', ID_PREFIX.length());
            if (end > ID_PREFIX.length()) return line.substring(ID_PREFIX.length(), end);
        }
        try {
            JsonElement id = JsonParser.parseString(line).getAsJsonObject().get("id");
            return id == null || !id.isJsonPrimitive() ? null : id.getAsString();
        } catch (RuntimeException e) {
            return null; // not a line of ours; it cannot be a replay of anything we wrote
        }
    }

    private Instant readStarted() {
        Path p = settings.directory().resolve(STARTED);
        try {
            Instant t = Instant.parse(Files.readString(p, StandardCharsets.UTF_8).trim());
            return t.isAfter(clock.instant()) ? null : t;
        } catch (IOException | DateTimeParseException e) {
            return null; // missing or damaged: the age counts from now
        }
    }

    private void writeStarted(Instant t) {
        Path p = settings.directory().resolve(STARTED);
        Path tmp = settings.directory().resolve(STARTED + ".tmp");
        try {
            Files.writeString(tmp, t.toString() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only the age-based rotation after a restart depends on it
            LOG.warn("cannot record when {} was started: {}", current, describe(e));
        }
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(settings.directory(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("cannot force directory {}: {}", settings.directory(), describe(e));
        }
    }

    // --- helpers

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) throw new IOException("file shrank while being read");
        }
    }

    private static String stampOf(Path p) {
        Matcher m = ROTATED.matcher(p.getFileName().toString());
        return m.matches() ? m.group(1) : "";
    }

    private static int counterOf(Path p) {
        Matcher m = ROTATED.matcher(p.getFileName().toString());
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
    }

    private static long sizeOrZero(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("cannot close: {}", describe(e));
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
