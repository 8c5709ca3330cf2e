package dev.hearth.sink.influxdb.internal;

import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

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

    InfluxWriter(InfluxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.lineProtocol = new LineProtocol(settings.deviceTag(), settings.precision());
        this.writeUri = settings.writeUri();
        this.authorization = settings.authorization();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // InfluxDB 1.x and QuestDB speak HTTP/1.1; skip the h2c upgrade probe
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER); // a redirect would resend credentials to wherever it points
        if (settings.tls() != null) builder.sslContext(settings.tls().sslContext());
        this.http = builder.build();
    }

    /** One outcome per reading, in the order of {@code batch}. */
    List<Outcome> write(List<Reading> batch) {
        Outcome[] outcomes = new Outcome[batch.size()];
        List<Integer> indexes = new ArrayList<>(batch.size());
        List<String> lines = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            LineProtocol.Encoded encoded = lineProtocol.encode(batch.get(i));
            if (encoded instanceof LineProtocol.Line line) {
                indexes.add(i);
                lines.add(line.text());
            } else {
                outcomes[i] = Outcome.rejected(((LineProtocol.Refused) encoded).reason());
            }
        }
        Outcome stop = null; // once the server says "not now", the rest of the batch waits too
        for (int from = 0; from < lines.size(); from += settings.batchSize()) {
            int to = Math.min(lines.size(), from + settings.batchSize());
            if (stop == null) stop = writeSplitting(lines, indexes, from, to, outcomes);
            if (stop != null) {
                for (int k = from; k < to; k++) {
                    if (outcomes[indexes.get(k)] == null) outcomes[indexes.get(k)] = stop;
                }
            }
        }
        return Arrays.asList(outcomes);
    }

    /**
     * Writes lines {@code from..to}, halving on a refused request; fills their outcomes. Returns
     * the retry outcome that stopped the writing (for the lines not yet answered), or {@code null}.
     */
    private Outcome writeSplitting(List<String> lines, List<Integer> indexes, int from, int to, Outcome[] outcomes) {
        Answer answer = post(lines.subList(from, to));
        switch (answer.kind()) {
            case WRITTEN -> {
                for (int k = from; k < to; k++) outcomes[indexes.get(k)] = Outcome.DELIVERED;
                return null;
            }
            case REFUSED -> {
                if (to - from == 1) {
                    outcomes[indexes.get(from)] = Outcome.rejected(answer.reason());
                    return null;
                }
                int middle = (from + to) >>> 1;
                Outcome stop = writeSplitting(lines, indexes, from, middle, outcomes);
                return stop != null ? stop : writeSplitting(lines, indexes, middle, to, outcomes);
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

    private Answer post(List<String> lines) {
        byte[] body = body(lines);
        HttpRequest.Builder request = HttpRequest.newBuilder(writeUri)
                .timeout(settings.timeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.gzip()) request.header("Content-Encoding", "gzip");
        if (authorization != null) request.header("Authorization", authorization);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Kind.RETRY, "interrupted while writing to " + where(), null);
        } catch (IOException e) {
            return new Answer(Kind.RETRY, describe(e), null);
        }
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

    private byte[] body(List<String> lines) {
        int size = lines.size();
        for (String line : lines) size += line.length();
        StringBuilder text = new StringBuilder(size);
        for (String line : lines) text.append(line).append('\n');
        byte[] plain = text.toString().getBytes(StandardCharsets.UTF_8);
        if (!settings.gzip()) return plain;
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 6 + 64);
        // Fastest compression: line protocol still shrinks ~5x, for a third of the CPU of the default level,
        // which matters on a Pi that shares its cores with everything else.
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException("gzip into memory failed", e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
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
