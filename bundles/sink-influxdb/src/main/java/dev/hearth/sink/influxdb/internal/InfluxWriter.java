package dev.hearth.sink.influxdb.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.net.ssl.SSLException;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

/**
 * Writes batches of readings to an InfluxDB write endpoint (v1 {@code /write} or v2
 * {@code /api/v2/write}) over {@link HttpClient}, and maps what the server answers to one
 * {@link Outcome} per reading. No OSGi in here.
 *
 * <ul>
 * <li>2xx: every reading of the request delivered.</li>
 * <li>429, 503: retry, after the server's {@code Retry-After} (seconds or an HTTP date) if given.</li>
 * <li>other 5xx, connection refused, timeouts, TLS failures: retry.</li>
 * <li>401, 403: retry with "authentication failed": the backlog must wait for fixed credentials,
 *     not be thrown away.</li>
 * <li>404 (no such database or bucket, or no v2 API on a 1.x server): retry, a configuration problem.</li>
 * <li>400, 413, 422: some line was refused (a field type conflict, a reserved name, a body too big).
 *     InfluxDB 1.x writes the other points of a partial write but names only the first bad one,
 *     QuestDB writes nothing, so the request is split in halves and each half written again until
 *     the refused readings stand alone: those are rejected with the server's reason, the rest
 *     delivered. Writing a point twice is harmless in InfluxDB (same series and time: the point is
 *     overwritten), so halves that were already written in a partial write may be sent again.</li>
 * </ul>
 * Messages name the sink and never contain the password or token.
 */
final class InfluxWriter {

    /** How much of a server's error body goes into a reason. */
    private static final int MAX_REASON = 400;
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"(?:error|message)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final InfluxSettings settings;
    private final LineProtocol lineProtocol;
    private final HttpClient http;
    private final URI writeUri;
    private final String authorization;
    private final Clock clock;
    /** A batch's lines, and one request's gzip body; reused (writes are one at a time) and trimmed after a big batch. */
    private BodyBuffer plain = new BodyBuffer(KEEP_BYTES);
    /** Two, so that the next request is compressed while the current one is on its way. */
    private final BodyBuffer[] compressed = { new BodyBuffer(64 * 1024), new BodyBuffer(64 * 1024) };
    /** A request was given up on without an answer: its body buffers must not be written again. */
    private boolean abandoned;
    private final Gzip gzip = new Gzip();
    /**
     * The first request of the next batch, encoded and compressed by {@link #prepare} on the core's
     * prefetch thread while the current batch is being written; taken by the {@link #write} whose
     * batch holds the same readings, dropped by any other.
     */
    private final AtomicReference<Prepared> prepared = new AtomicReference<>();
    /** The preparer's own encoder and deflater (prepare runs beside write); guarded by itself. */
    private final Preparer preparer;
    /** Writes that found their first request prepared; for tests and the curious. */
    private final java.util.concurrent.atomic.AtomicLong preparedWrites = new java.util.concurrent.atomic.AtomicLong();
    /** Buffers of a used prepared batch, handed back for the next prepare. */
    private final AtomicReference<Buffers> spare = new AtomicReference<>();
    /** What the buffers keep between batches: a default batch of short lines fits. */
    private static final int KEEP_BYTES = 1 << 20;

    InfluxWriter(InfluxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.lineProtocol = new LineProtocol(settings.deviceTag(), settings.precision());
        this.preparer = new Preparer(new LineProtocol(settings.deviceTag(), settings.precision()), new Gzip());
        this.writeUri = settings.writeUri();
        this.authorization = settings.authorization();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // InfluxDB 1.x and QuestDB speak HTTP/1.1; skip the h2c upgrade probe
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER); // a redirect would resend credentials to wherever it points
        if (settings.tls() != null) builder.sslContext(settings.tls().sslContext());
        this.http = builder.build();
    }

    /**
     * One outcome per reading, in the order of {@code batch}.
     *
     * <p>The batch goes out in requests of at most {@code batchSize} lines, one request at a time
     * (so a device's readings reach the server in order, and after a "not now" nothing later is
     * sent), but while the server takes one request the next is encoded and compressed: the
     * gateway's work and the server's then overlap instead of adding up.
     */
    synchronized List<Outcome> write(List<Reading> batch) {
        Prepared ahead = prepared.getAndSet(null);
        if (ahead != null && !ahead.isFor(batch)) {
            spare.set(ahead.buffers());
            ahead = null;
        }
        Batch b = ahead != null ? ahead.batch() : new Batch(batch, plain);
        try {
            Outcome stop = null; // once the server says "not now", the rest of the batch waits too
            int buffer = 0;
            Request next;
            if (ahead != null) {
                preparedWrites.incrementAndGet();
                // encoded and compressed beforehand into the prepared buffers; compressed[0] stays free for its halves
                next = ahead.first();
            } else {
                b.encodeUpTo(settings.batchSize(), lineProtocol);
                next = b.lines > 0 ? prepare(b, 0, b.lines, buffer) : null;
            }
            while (next != null) {
                Request current = next.send();
                buffer ^= 1;
                b.encodeUpTo(current.to() + settings.batchSize(), lineProtocol);
                next = b.lines > current.to() ? prepare(b, current.to(), b.lines, buffer) : null;
                stop = settle(b, current.from(), current.to(), current.await(), compressed[buffer ^ 1]);
                if (stop != null) break;
            }
            b.encodeUpTo(Integer.MAX_VALUE, lineProtocol); // readings that cannot be written are rejected even when the rest must wait
            if (stop != null) {
                for (int k = 0; k < b.lines; k++) {
                    if (b.outcomes[b.indexes[k]] == null) b.outcomes[b.indexes[k]] = stop;
                }
            }
        } finally {
            if (abandoned) {
                // A request given up on (timeout, interruption) might still read its body: leave those bytes alone.
                plain = new BodyBuffer(KEEP_BYTES);
                compressed[0] = new BodyBuffer(64 * 1024);
                compressed[1] = new BodyBuffer(64 * 1024);
                abandoned = false;
            } else {
                plain.shrinkTo(KEEP_BYTES);
                compressed[0].shrinkTo(KEEP_BYTES);
                compressed[1].shrinkTo(KEEP_BYTES);
                if (ahead != null) {
                    ahead.buffers().shrink();
                    spare.set(ahead.buffers());
                }
            }
        }
        return Arrays.asList(b.outcomes);
    }

    /**
     * Encodes and compresses the first request of {@code upcoming} now, for the {@link #write} of
     * the same readings (see {@code ReadingSink.prepare}). Never blocks on a write in progress:
     * it has its own encoder, deflater and buffers.
     */
    void prepare(List<Reading> upcoming) {
        if (upcoming.isEmpty()) return;
        synchronized (preparer) {
            Buffers buffers = spare.getAndSet(null);
            if (buffers == null) buffers = new Buffers(new BodyBuffer(KEEP_BYTES), new BodyBuffer(64 * 1024));
            Batch b = new Batch(upcoming, buffers.plain());
            b.encodeUpTo(settings.batchSize(), preparer.lineProtocol());
            Request first = b.lines == 0 ? null
                    : new Request(0, b.lines, request(buffers.plain(), b.ends[0], b.ends[b.lines], buffers.gz(), preparer.gzip()));
            prepared.set(new Prepared(List.copyOf(upcoming), b, first, buffers));
        }
    }

    long preparedWrites() {
        return preparedWrites.get();
    }

    /** Lines and compressed body of one prepared batch. */
    private record Buffers(BodyBuffer plain, BodyBuffer gz) {
        void shrink() {
            plain.shrinkTo(KEEP_BYTES);
            gz.shrinkTo(KEEP_BYTES);
        }
    }

    private record Preparer(LineProtocol lineProtocol, Gzip gzip) {
    }

    /** A batch encoded ahead, its first request (null if every reading was rejected), and the buffers holding them. */
    private record Prepared(List<Reading> readings, Batch batch, Request first, Buffers buffers) {
        /** Whether {@code batch} is these very readings, in this order. */
        boolean isFor(List<Reading> other) {
            if (other.size() != readings.size()) return false;
            for (int i = 0; i < readings.size(); i++) {
                if (other.get(i) != readings.get(i)) return false;
            }
            return true;
        }
    }

    /**
     * A batch being written: its lines go once into {@code plain}, line {@code k} being reading
     * {@code indexes[k]} at bytes {@code ends[k]..ends[k+1]}; a request is a slice of them, so the
     * halves of a refused request need no second encoding.
     */
    private static final class Batch {
        final List<Reading> readings;
        final BodyBuffer plain;
        final Outcome[] outcomes;
        final int[] indexes;
        final int[] ends;
        int lines;
        private int next;

        Batch(List<Reading> readings, BodyBuffer plain) {
            this.readings = readings;
            this.plain = plain;
            this.outcomes = new Outcome[readings.size()];
            this.indexes = new int[readings.size()];
            this.ends = new int[readings.size() + 1];
            plain.truncate(0);
        }

        /** Encodes readings until {@code target} lines are ready or the batch is done; unwritable ones are rejected. */
        void encodeUpTo(int target, LineProtocol lineProtocol) {
            while (lines < target && next < readings.size()) {
                int i = next++;
                String problem = lineProtocol.encode(readings.get(i), plain);
                if (problem != null) {
                    outcomes[i] = Outcome.rejected(problem);
                } else {
                    plain.ascii('\n');
                    indexes[lines] = i;
                    ends[++lines] = plain.length();
                }
            }
        }
    }

    /** A request for lines {@code from..to}, built and compressed; sent once, then awaited. */
    private final class Request {
        private final int from;
        private final int to;
        private final HttpRequest request;
        private CompletableFuture<HttpResponse<String>> response;

        Request(int from, int to, HttpRequest request) {
            this.from = from;
            this.to = to;
            this.request = request;
        }

        int from() {
            return from;
        }

        int to() {
            return to;
        }

        Request send() {
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return this;
        }

        Answer await() {
            try {
                return answer(response.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.cancel(true);
                abandoned = true;
                return new Answer(Kind.RETRY, "interrupted while writing to " + where(), null);
            } catch (ExecutionException e) {
                abandoned = true;
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) return new Answer(Kind.RETRY, describe(io), null);
                return new Answer(Kind.RETRY, settings.mask("cannot write to " + where() + " for sink " + settings.sinkId()
                        + ": " + cause), null);
            }
        }
    }

    /** Lines {@code from..to} of the batch as a request, compressed into {@code compressed[buffer]} if gzip is on. */
    private Request prepare(Batch b, int from, int to, int buffer) {
        return new Request(from, to, request(b.plain, b.ends[from], b.ends[to], compressed[buffer], gzip));
    }

    /**
     * Fills the outcomes of lines {@code from..to} from the server's answer, halving a refused
     * request until the refused lines stand alone. Returns the retry outcome that stopped the
     * writing (for the lines not yet answered), or {@code null}.
     */
    private Outcome settle(Batch b, int from, int to, Answer answer, BodyBuffer gz) {
        switch (answer.kind()) {
            case WRITTEN -> {
                for (int k = from; k < to; k++) b.outcomes[b.indexes[k]] = Outcome.DELIVERED;
                return null;
            }
            case REFUSED -> {
                if (to - from == 1) {
                    b.outcomes[b.indexes[from]] = Outcome.rejected(answer.reason());
                    return null;
                }
                int middle = (from + to) >>> 1;
                Outcome stop = settle(b, from, middle, new Request(from, middle, request(b.plain, b.ends[from], b.ends[middle], gz, gzip)).send().await(), gz);
                return stop != null ? stop : settle(b, middle, to, new Request(middle, to, request(b.plain, b.ends[middle], b.ends[to], gz, gzip)).send().await(), gz);
            }
            default -> {
                return answer.retry();
            }
        }
    }

    private enum Kind { WRITTEN, REFUSED, RETRY }

    private record Answer(Kind kind, String reason, Duration retryAfter) {
        Outcome retry() {
            return Outcome.retry(reason, retryAfter);
        }
    }

    /**
     * A request for bytes {@code start..end} of {@code plain}, compressed into {@code gz} with
     * {@code gzip} if gzip is on. The HTTP client copies a body when it starts sending it, which is
     * before any answer; the buffers are only written again after the request's answer (see
     * {@link #abandoned}).
     */
    private HttpRequest request(BodyBuffer plain, int start, int end, BodyBuffer gz, Gzip gzip) {
        HttpRequest.BodyPublisher body;
        if (settings.gzip()) {
            gzip.compress(plain.array(), start, end - start, gz);
            body = HttpRequest.BodyPublishers.ofByteArray(gz.array(), 0, gz.length());
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(plain.array(), start, end - start);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(writeUri)
                .timeout(settings.timeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(body);
        if (settings.gzip()) request.header("Content-Encoding", "gzip");
        if (authorization != null) request.header("Authorization", authorization);
        return request.build();
    }

    private Answer answer(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status / 100 == 2) return new Answer(Kind.WRITTEN, null, null);
        String message = settings.mask(serverMessage(response));
        String reason = "HTTP " + status + " from " + where() + ": " + message;
        if (status == 401 || status == 403) {
            return new Answer(Kind.RETRY, "authentication failed (HTTP " + status + ") for sink " + settings.sinkId()
                    + " at " + where() + ": " + message + "; fix the credentials, the backlog is kept", null);
        }
        if (status == 429 || status == 503) return new Answer(Kind.RETRY, reason, retryAfter(response));
        if (status == 400 || status == 413 || status == 422) return new Answer(Kind.REFUSED, reason, null);
        if (status == 404) return new Answer(Kind.RETRY, reason + " (is the database/bucket there, and api right for this server?)", null);
        return new Answer(Kind.RETRY, reason, retryAfter(response));
    }

    /** The gzip header: deflate, no flags, no time, no extra flags, unknown OS. */
    private static final byte[] GZIP_HEADER = { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff };

    /**
     * One gzip member per call, with a reused deflater (not thread-safe: one per thread of use).
     * Fastest level: line protocol still shrinks ~5x, for a third of the CPU of the default level,
     * which matters on a Pi that shares its cores with everything else. By hand around
     * {@link Deflater} because GZIPOutputStream allocates a deflater and buffers per stream.
     */
    private static final class Gzip {
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        private final CRC32 crc = new CRC32();

        /** Compresses {@code length} bytes of {@code data} from {@code offset} into {@code compressed}. */
        void compress(byte[] data, int offset, int length, BodyBuffer compressed) {
            compressed.truncate(0);
            compressed.reserve(GZIP_HEADER.length + length / 4 + 64);
            System.arraycopy(GZIP_HEADER, 0, compressed.array(), 0, GZIP_HEADER.length);
            compressed.truncate(GZIP_HEADER.length);
            deflater.reset();
            deflater.setInput(data, offset, length);
            deflater.finish();
            while (!deflater.finished()) {
                compressed.reserve(Math.max(8192, length / 8));
                int n = deflater.deflate(compressed.array(), compressed.length(), compressed.array().length - compressed.length());
                compressed.truncate(compressed.length() + n);
            }
            crc.reset();
            crc.update(data, offset, length);
            int sum = (int) crc.getValue();
            compressed.reserve(8);
            for (int v : new int[] { sum, length }) { // little-endian CRC-32 and size mod 2^32
                compressed.ascii((char) (v & 0xff)).ascii((char) (v >>> 8 & 0xff)).ascii((char) (v >>> 16 & 0xff)).ascii((char) (v >>> 24 & 0xff));
            }
        }

        void end() {
            deflater.end();
        }
    }

    /** Releases the deflaters' native memory; the writer is not used after. */
    synchronized void close() {
        gzip.end();
        synchronized (preparer) {
            preparer.gzip().end();
            prepared.set(null);
        }
    }

    /** The server's own words: the JSON {@code error} (1.x) or {@code message} (2.x, QuestDB), else the body. */
    static String serverMessage(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().strip();
        Matcher m = JSON_MESSAGE.matcher(body);
        String message;
        if (m.find()) {
            message = m.group(1).replace("\\n", " ").replace("\\\"", "\"").replace("\\\\", "\\");
        } else if (!body.isEmpty()) {
            message = body;
        } else {
            message = response.headers().firstValue("X-Influxdb-Error").orElse("(no message)");
        }
        message = message.replaceAll("\\s+", " ");
        return message.length() > MAX_REASON ? message.substring(0, MAX_REASON) + "…" : message;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; {@code null} if absent or unreadable. */
    Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> parseRetryAfter(v, clock)).orElse(null);
    }

    static Duration parseRetryAfter(String value, Clock clock) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private String describe(IOException e) {
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
        if (cause != e && cause.getMessage() != null) detail += " (" + cause.getMessage() + ")";
        String what;
        if (e instanceof ConnectException || cause instanceof ConnectException) what = "cannot connect to ";
        else if (e instanceof HttpTimeoutException) what = "no answer within " + settings.timeout().toSeconds() + " s from ";
        else if (e instanceof SSLException || cause instanceof java.security.cert.CertificateException) what = "TLS handshake failed with ";
        else what = "cannot write to ";
        return settings.mask(what + where() + " for sink " + settings.sinkId() + ": " + detail);
    }

    /** Scheme, host and port: enough to say where, without the query. */
    private String where() {
        URI u = settings.url();
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }
}
