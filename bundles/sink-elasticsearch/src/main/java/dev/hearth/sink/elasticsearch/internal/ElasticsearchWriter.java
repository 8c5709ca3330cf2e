package dev.hearth.sink.elasticsearch.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.util.EntityUtils;
import org.apache.http.impl.nio.reactor.IOReactorConfig;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.HttpAsyncResponseConsumerFactory.HeapBufferedResponseConsumerFactory;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.support.net.TlsTrust;

/**
 * Writes batches of readings with {@code _bulk} through the Elasticsearch low-level REST client
 * (the HTTP client of elasticsearch-java; plain JSON and NDJSON, which Elasticsearch 8 and 9 both
 * take) and answers per reading. The body and the response are handled by {@link BulkBody} and
 * {@link BulkItems} (see there why not by the Java client's typed bulk API). Installs the index
 * template before the first delivery. No OSGi in here.
 *
 * <p>Called from one thread (the core's worker for this sink); the HTTP client runs one I/O thread.
 */
public final class ElasticsearchWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchWriter.class);
    /**
     * The most of a response kept in memory: a _bulk answer filtered to statuses and errors is a few
     * MB at most; a server (or proxy) sending more must not exhaust a 128 MB heap.
     */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final SinkSettings settings;
    private final RestClient restClient;
    private final RequestOptions options;
    private final Clock clock;
    private final String hosts;
    private volatile boolean templateInstalled;

    public ElasticsearchWriter(SinkSettings settings) {
        this(settings, Clock.systemUTC());
    }

    ElasticsearchWriter(SinkSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.hosts = settings.urls().stream().map(URI::toString).collect(Collectors.joining(", "));
        TlsTrust trust = settings.https() ? TlsTrust.of(settings.caFile(), settings.tlsSha256()) : null;
        this.restClient = restClient(settings, trust);
        this.options = RequestOptions.DEFAULT.toBuilder()
                .setHttpAsyncResponseConsumerFactory(new HeapBufferedResponseConsumerFactory(MAX_RESPONSE_BYTES)).build();
    }

    private static RestClient restClient(SinkSettings s, TlsTrust trust) {
        HttpHost[] hosts = s.urls().stream()
                .map(u -> new HttpHost(u.getHost(), u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80, u.getScheme()))
                .toArray(HttpHost[]::new);
        RestClientBuilder b = RestClient.builder(hosts);
        String path = s.urls().get(0).getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) b.setPathPrefix(path); // behind a reverse proxy
        Header auth = authorization(s);
        if (auth != null) b.setDefaultHeaders(new Header[] { auth });
        int timeoutMs = (int) s.timeout().toMillis();
        b.setRequestConfigCallback(rc -> rc.setConnectTimeout(timeoutMs).setSocketTimeout(timeoutMs).setConnectionRequestTimeout(timeoutMs));
        b.setHttpClientConfigCallback(hc -> {
            // one I/O thread is plenty for one sequential writer, and a Pi has few cores to spare
            hc.setDefaultIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build());
            if (trust != null) {
                hc.setSSLContext(trust.sslContext());
                // a pinned certificate is the whole trust decision: its name need not match the host
                if (trust.isPinned()) hc.setSSLHostnameVerifier((host, session) -> true);
            }
            return hc;
        });
        return b.build();
    }

    private static Header authorization(SinkSettings s) {
        if (s.apiKey().isPresent()) return new BasicHeader("Authorization", "ApiKey " + s.apiKey().reveal());
        if (!s.username().isEmpty()) {
            String token = Base64.getEncoder().encodeToString((s.username() + ":" + s.password().reveal()).getBytes(StandardCharsets.UTF_8));
            return new BasicHeader("Authorization", "Basic " + token);
        }
        return null;
    }

    /** Writes the batch; one outcome per reading, in order. Never throws: whole-request failures become RETRY. */
    public List<Outcome> deliver(List<Reading> batch) {
        Outcome[] outcomes = new Outcome[batch.size()];
        if (!templateInstalled) {
            // Documents written before the template would get Elasticsearch's default mapping
            // (@timestamp without epoch_second, floats): wait for it, the backlog is safe in the journal.
            try {
                installTemplate();
            } catch (IOException | RuntimeException e) {
                return Outcome.all(Outcome.retry("cannot install the index template: " + failure(e).reason()), batch.size());
            }
        }
        Prepared ahead = prepared.getAndSet(null);
        Prepared mine = ahead != null && ahead.isFor(batch) ? ahead : encode(batch);
        if (mine == ahead) preparedWrites.incrementAndGet();
        for (int i = 0; i < outcomes.length; i++) outcomes[i] = mine.rejected()[i];
        List<BulkChunks.Range> chunks = BulkChunks.split(mine.count(), mine::bytes, settings.maxBulkBytes());
        for (int c = 0; c < chunks.size(); c++) {
            Outcome failed = send(mine, chunks.get(c), outcomes);
            if (failed != null) {
                // the server is away or refuses us: the rest of the batch would fare no better
                for (int rest = c + 1; rest < chunks.size(); rest++) mine.fill(chunks.get(rest), outcomes, failed);
                break;
            }
        }
        return Arrays.asList(outcomes);
    }

    /**
     * The next batch's lines, encoded by {@link #prepare} on the core's prefetch thread while the
     * current batch is at the server; taken by the {@link #deliver} whose batch holds the same
     * reading objects, dropped by any other.
     */
    private final AtomicReference<Prepared> prepared = new AtomicReference<>();
    /** Deliveries that found their batch encoded beforehand; for tests. */
    private final AtomicLong preparedWrites = new AtomicLong();

    /**
     * A batch's lines, all in one body, for those very readings: item {@code k} of the body is
     * {@code body[starts[k]..starts[k+1])}, the lines of the reading at {@code positions[k]};
     * readings that cannot be encoded are left out and have their outcome in {@code rejected}.
     */
    private record Prepared(List<Reading> readings, BulkBody.Body body, int[] starts, int[] positions, int count, Outcome[] rejected) {
        boolean isFor(List<Reading> batch) {
            if (batch.size() != readings.size()) return false;
            for (int i = 0; i < readings.size(); i++) {
                if (batch.get(i) != readings.get(i)) return false;
            }
            return true;
        }

        long bytes(int k) {
            return starts[k + 1] - starts[k];
        }

        void fill(BulkChunks.Range chunk, Outcome[] outcomes, Outcome o) {
            for (int k = chunk.from(); k < chunk.to(); k++) outcomes[positions[k]] = o;
        }
    }

    /**
     * Encodes {@code upcoming} now (ids, index names, both lines of each reading) for the
     * {@link #deliver} of the same readings (see {@code ReadingSink.prepare}): Elasticsearch then
     * indexes one batch while the gateway encodes the next, instead of each waiting for the other.
     */
    void prepare(List<Reading> upcoming) {
        if (!upcoming.isEmpty()) prepared.set(encode(List.copyOf(upcoming)));
    }

    long preparedWrites() {
        return preparedWrites.get();
    }

    /** Both _bulk lines of every reading, in one body; thread-safe (BulkBody keeps no state per call). */
    private Prepared encode(List<Reading> batch) {
        Outcome[] rejected = new Outcome[batch.size()];
        int[] starts = new int[batch.size() + 1];
        int[] positions = new int[batch.size()];
        // Sized from the last batch's lines, so a replay's body is rarely grown (copied) on the way;
        // but never more than one request's worth up front, whatever one batch of big readings left.
        BulkBody.Body body = new BulkBody.Body((int) Math.min(Math.min(settings.maxBulkBytes(), 1L << 30), (long) batch.size() * bytesPerReading) + 1024);
        int count = 0;
        long headDay = Long.MIN_VALUE; // the action line's start is the same for a day's readings: made once a day
        byte[] head = settings.dataStream() ? BulkBody.actionHead(settings.indexPrefix(), true) : null;
        for (int i = 0; i < batch.size(); i++) {
            Reading r = batch.get(i);
            try {
                // Daily indices: "index" with the reading id, so a replay overwrites the same document
                // with the same content (idempotent, never an error). Data streams only take "create";
                // a replay then answers 409, which counts as delivered.
                if (!settings.dataStream()) {
                    long day = Math.floorDiv(r.timestamp().getEpochSecond(), 86_400L);
                    if (day != headDay) {
                        head = BulkBody.actionHead(BulkBody.dailyIndex(settings.indexPrefix(), r.timestamp()), false);
                        headDay = day;
                    }
                }
                starts[count] = body.size();
                BulkBody.append(body, head, r.id(), r);
                positions[count++] = i;
            } catch (RuntimeException e) {
                rejected[i] = Outcome.rejected("cannot encode the reading: " + e.getMessage());
            }
        }
        starts[count] = body.size();
        if (count > 0) bytesPerReading = Math.max(64, body.size() / count + 16);
        return new Prepared(batch, body, starts, positions, count, rejected);
    }

    /** About the bytes of one reading's lines in the last batch encoded: the next body's starting size. */
    private volatile int bytesPerReading = 512;

    /** Sends one chunk, filling its outcomes; returns the whole-request failure, or {@code null}. */
    private Outcome send(Prepared p, BulkChunks.Range chunk, Outcome[] outcomes) {
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkItems.FILTER_PATH);
        if (!settings.pipeline().isEmpty()) request.addParameter("pipeline", settings.pipeline());
        int offset = p.starts()[chunk.from()];
        request.setEntity(new ByteArrayEntity(p.body().array(), offset, p.starts()[chunk.to()] - offset,
                ContentType.create("application/x-ndjson", StandardCharsets.UTF_8)));
        request.setOptions(options);
        try {
            Response response = restClient.performRequest(request);
            Duration retryAfter = ItemOutcomes.retryAfter(response.getHeader("Retry-After"), clock);
            List<BulkItems.Result> items;
            try {
                items = BulkItems.parse(EntityUtils.toByteArray(response.getEntity()), chunk.size());
            } catch (BulkItems.MalformedResponseException e) {
                // Not knowing what was written, send it all again: the reading id makes that harmless.
                p.fill(chunk, outcomes, Outcome.retry(settings.mask("sink " + settings.id() + ": unreadable _bulk response from " + hosts + ": " + e.getMessage())));
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                BulkItems.Result item = items.get(i);
                outcomes[p.positions()[chunk.from() + i]] = ItemOutcomes.of(item.status(), item.type(), item.reason(), retryAfter);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            Failure f = failure(e);
            if (f.status() == 413) {
                if (chunk.size() == 1) {
                    outcomes[p.positions()[chunk.from()]] = Outcome.rejected("the document is too large for the server (HTTP 413, "
                            + p.bytes(chunk.from()) + " bytes)");
                    return null;
                }
                // a proxy (or http.max_content_length) allows less than max_bulk_mb: halve and go on
                LOG.info("sink {}: HTTP 413 for a _bulk of {} documents; sending it in halves", settings.id(), chunk.size());
                BulkChunks.Range first = new BulkChunks.Range(chunk.from(), chunk.from() + chunk.size() / 2);
                BulkChunks.Range second = new BulkChunks.Range(first.to(), chunk.to());
                Outcome failed = send(p, first, outcomes);
                if (failed != null) {
                    p.fill(second, outcomes, failed);
                    return failed;
                }
                return send(p, second, outcomes);
            }
            Outcome o = Outcome.retry(f.reason(), f.retryAfter());
            p.fill(chunk, outcomes, o);
            return o;
        }
    }

    /** PUT _index_template/<prefix>: installs or updates the template. */
    void installTemplate() throws IOException {
        Request put = new Request("PUT", "/_index_template/" + IndexTemplate.name(settings.indexPrefix()));
        put.setEntity(new StringEntity(IndexTemplate.json(settings.indexPrefix(), settings.dataStream()), ContentType.APPLICATION_JSON));
        restClient.performRequest(put);
        templateInstalled = true;
        LOG.info("sink {}: index template '{}' installed for {}", settings.id(), IndexTemplate.name(settings.indexPrefix()),
                IndexTemplate.pattern(settings.indexPrefix(), settings.dataStream()));
    }

    boolean templateInstalled() {
        return templateInstalled;
    }

    /** A whole-request failure: its HTTP status (0 if none came) and a reason that names the sink and the cause. */
    record Failure(int status, String reason, Duration retryAfter) {
    }

    Failure failure(Throwable e) {
        int status = 0;
        String detail = null;
        String retryAfter = null;
        if (e instanceof ResponseException re) {
            Response r = re.getResponse();
            status = r.getStatusLine().getStatusCode();
            retryAfter = r.getHeader("Retry-After");
            byte[] body = null;
            try {
                body = r.getEntity() == null ? null : EntityUtils.toByteArray(r.getEntity());
            } catch (IOException | RuntimeException unreadable) {
                // the status says enough
            }
            detail = BulkItems.errorOf(body);
            if (detail == null) detail = r.getStatusLine().getReasonPhrase();
        }
        Duration after = ItemOutcomes.retryAfter(retryAfter, clock);
        String sink = "sink " + settings.id();
        if (status == 401) return new Failure(status, "authentication failed for " + sink + " (HTTP 401): check username/password or api_key", after);
        if (status == 403) return new Failure(status, settings.mask(sink + " is not allowed to write (HTTP 403)" + (detail == null ? "" : ": " + detail)), after);
        if (status > 0) return new Failure(status, settings.mask(sink + ": Elasticsearch answered HTTP " + status + (detail == null ? "" : ": " + detail)), after);
        return new Failure(0, settings.mask(sink + ": " + ioReason(e)), null);
    }

    private String ioReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) return "TLS check of " + hosts + " failed: " + t.getMessage();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) return "TLS handshake with " + hosts + " failed: " + t.getMessage();
            if (t instanceof ConnectException) return "cannot connect to " + hosts + ": " + t.getMessage();
            if (t instanceof UnknownHostException) return "unknown host " + t.getMessage() + " in " + hosts;
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return "no answer from " + hosts + " within " + settings.timeout().toSeconds() + " s";
            }
        }
        return "request to " + hosts + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        try {
            restClient.close();
        } catch (IOException e) {
            LOG.debug("sink {}: closing the client: {}", settings.id(), e.toString());
        }
    }
}
