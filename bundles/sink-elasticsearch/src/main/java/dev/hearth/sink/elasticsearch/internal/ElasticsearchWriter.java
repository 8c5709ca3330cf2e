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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.nio.reactor.IOReactorConfig;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.json.SimpleJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.support.net.TlsTrust;

/**
 * Writes batches of readings with {@code _bulk} through the Elasticsearch Java client (8.19, which
 * sends {@code compatible-with=8} media types that Elasticsearch 9 accepts) and answers per reading.
 * Installs the index template before the first delivery. No OSGi in here.
 *
 * <p>Called from one thread (the core's worker for this sink); the HTTP client runs one I/O thread.
 */
public final class ElasticsearchWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchWriter.class);
    /** Bytes one bulk action line costs on top of its document (index name, 32-hex id, punctuation). */
    private static final int ACTION_LINE_BYTES = 96;

    private final SinkSettings settings;
    private final RestClient restClient;
    private final ElasticsearchTransport transport;
    private final Clock clock;
    /** Retry-After of the latest response, set on the I/O thread: the bulk API hides headers of successful responses. */
    private final AtomicReference<String> lastRetryAfter = new AtomicReference<>();
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
        this.restClient = restClient(settings, trust, lastRetryAfter);
        this.transport = new RestClientTransport(restClient, new SimpleJsonpMapper(), null, NoopInstrumentation.INSTANCE);
    }

    private static RestClient restClient(SinkSettings s, TlsTrust trust, AtomicReference<String> retryAfter) {
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
            hc.addInterceptorLast((HttpResponseInterceptor) (response, context) -> {
                Header h = response.getFirstHeader("Retry-After");
                retryAfter.set(h == null ? null : h.getValue());
            });
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

    /** One reading, encoded, and where it goes. */
    private record Encoded(int position, String index, String id, byte[] document) {
        long bulkBytes() {
            return document.length + ACTION_LINE_BYTES;
        }
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
        List<Encoded> encoded = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Reading r = batch.get(i);
            try {
                String index = settings.dataStream() ? settings.indexPrefix() : ReadingDocuments.dailyIndex(settings.indexPrefix(), r.timestamp());
                encoded.add(new Encoded(i, index, r.id(), ReadingDocuments.document(r)));
            } catch (RuntimeException e) {
                outcomes[i] = Outcome.rejected("cannot encode the reading: " + e.getMessage());
            }
        }
        List<List<Encoded>> chunks = BulkChunks.split(encoded, Encoded::bulkBytes, settings.maxBulkBytes());
        for (int c = 0; c < chunks.size(); c++) {
            Outcome failed = send(chunks.get(c), outcomes);
            if (failed != null) {
                // the server is away or refuses us: the rest of the batch would fare no better
                for (int rest = c + 1; rest < chunks.size(); rest++) chunks.get(rest).forEach(e -> outcomes[e.position()] = failed);
                break;
            }
        }
        return Arrays.asList(outcomes);
    }

    /** Sends one chunk, filling its outcomes; returns the whole-request failure, or {@code null}. */
    private Outcome send(List<Encoded> chunk, Outcome[] outcomes) {
        List<BulkOperation> ops = new ArrayList<>(chunk.size());
        for (Encoded e : chunk) {
            BinaryData doc = BinaryData.of(e.document(), co.elastic.clients.util.ContentType.APPLICATION_JSON);
            // Daily indices: "index" with the reading id, so a replay overwrites the same document
            // with the same content (idempotent, never an error). Data streams only take "create";
            // a replay then answers 409, which counts as delivered.
            ops.add(settings.dataStream()
                    ? BulkOperation.of(o -> o.create(x -> x.index(e.index()).id(e.id()).document(doc)))
                    : BulkOperation.of(o -> o.index(x -> x.index(e.index()).id(e.id()).document(doc))));
        }
        BulkRequest request = BulkRequest.of(b -> {
            b.operations(ops);
            if (!settings.pipeline().isEmpty()) b.pipeline(settings.pipeline());
            return b;
        });
        try {
            lastRetryAfter.set(null);
            BulkResponse response = transport.performRequest(request, BulkRequest._ENDPOINT, null);
            Duration retryAfter = ItemOutcomes.retryAfter(lastRetryAfter.get(), clock);
            List<BulkResponseItem> items = response.items();
            if (items.size() != chunk.size()) {
                Outcome o = Outcome.retry("Elasticsearch answered " + items.size() + " bulk items for " + chunk.size() + " documents");
                chunk.forEach(e -> outcomes[e.position()] = o);
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                ErrorCause error = item.error();
                outcomes[chunk.get(i).position()] = ItemOutcomes.of(item.status(), error == null ? null : error.type(),
                        error == null ? null : reason(error), retryAfter);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            Failure f = failure(e);
            if (f.status() == 413) {
                if (chunk.size() == 1) {
                    outcomes[chunk.get(0).position()] = Outcome.rejected("the document is too large for the server (HTTP 413, "
                            + chunk.get(0).document().length + " bytes)");
                    return null;
                }
                // a proxy (or http.max_content_length) allows less than max_bulk_mb: halve and go on
                LOG.info("sink {}: HTTP 413 for a _bulk of {} documents; sending it in halves", settings.id(), chunk.size());
                int half = chunk.size() / 2;
                Outcome first = send(chunk.subList(0, half), outcomes);
                if (first != null) {
                    chunk.subList(half, chunk.size()).forEach(x -> outcomes[x.position()] = first);
                    return first;
                }
                return send(chunk.subList(half, chunk.size()), outcomes);
            }
            Outcome o = Outcome.retry(f.reason(), f.retryAfter());
            chunk.forEach(x -> outcomes[x.position()] = o);
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
        if (e instanceof ElasticsearchException ee) {
            status = ee.status();
            detail = ee.error() == null ? null : ee.error().type() + ": " + reason(ee.error());
            if (ee.httpResponse() != null) retryAfter = ee.httpResponse().header("Retry-After");
        } else if (e instanceof TransportException te && te.statusCode() > 0) {
            status = te.statusCode();
            if (te.response() != null) retryAfter = te.response().header("Retry-After");
        } else if (e instanceof ResponseException re) {
            status = re.getResponse().getStatusLine().getStatusCode();
            retryAfter = re.getResponse().getHeader("Retry-After");
            detail = re.getResponse().getStatusLine().getReasonPhrase();
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

    /** The error's reason, with its cause's (the value that failed to parse is often only there). */
    private static String reason(ErrorCause error) {
        String r = error.reason() == null ? "" : error.reason();
        ErrorCause cause = error.causedBy();
        if (cause != null && cause.reason() != null) r += " (caused by " + cause.type() + ": " + cause.reason() + ")";
        return r;
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("sink {}: closing the client: {}", settings.id(), e.toString());
        }
    }
}
