package dev.hearth.sink.elasticsearch.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.hearth.support.net.Secret;

/**
 * One sink's configuration, checked: what {@link ElasticsearchWriter} needs and nothing from OSGi.
 *
 * @param id the sink id ({@code hearth.sink.id}), named in every error
 * @param urls base URLs of the nodes, all http or all https
 * @param indexPrefix {@code <prefix>-yyyy.MM.dd} indices, or the data stream's name
 * @param dataStream write to a data stream with op_type create
 * @param pipeline ingest pipeline, or empty
 * @param username basic authentication user, or empty
 * @param password basic authentication password
 * @param apiKey encoded API key
 * @param caFile PEM CA file for https, or empty
 * @param tlsSha256 pinned server certificate fingerprint, or empty
 * @param timeout connect and answer timeout of one request
 * @param maxBulkBytes the largest _bulk body
 */
public record SinkSettings(String id, List<URI> urls, String indexPrefix, boolean dataStream, String pipeline,
        String username, Secret password, Secret apiKey, String caFile, String tlsSha256, Duration timeout,
        long maxBulkBytes) {

    static final long MIB = 1024L * 1024;
    /** What Elasticsearch refuses in an index name (besides upper case), and what would make a bad pattern. */
    private static final String FORBIDDEN_INDEX_CHARACTERS = "\\/*?\"<>| ,#:";

    public SinkSettings {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("hearth.sink.id is required (e.g. es-bbq)");
        if (urls.isEmpty()) throw new IllegalArgumentException("sink " + id + ": urls is empty");
        long https = urls.stream().filter(u -> "https".equals(u.getScheme())).count();
        if (https != 0 && https != urls.size()) {
            throw new IllegalArgumentException("sink " + id + ": urls mix http and https");
        }
        checkIndexPrefix(id, indexPrefix);
        if (!username.isEmpty() && apiKey.isPresent()) {
            throw new IllegalArgumentException("sink " + id + ": give a user name or an API key, not both");
        }
        if (username.isEmpty() && password.isPresent()) {
            throw new IllegalArgumentException("sink " + id + ": a password is given but no user name");
        }
        if (https == 0 && (!caFile.isEmpty() || !tlsSha256.isEmpty())) {
            throw new IllegalArgumentException("sink " + id + ": ca_file or tls_sha256 is given but the urls are http://");
        }
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("sink " + id + ": timeout_seconds must be at least 1");
        if (maxBulkBytes < 1) throw new IllegalArgumentException("sink " + id + ": max_bulk_mb must be at least 1");
        urls = List.copyOf(urls);
    }

    /** Reads and checks a configuration; secret files are read here, so a missing one is reported at activation. */
    static SinkSettings from(ElasticsearchSinkConfig c) {
        String id = trim(c.hearth_sink_id());
        List<URI> urls = new ArrayList<>();
        for (String u : c.urls() == null ? new String[0] : c.urls()) {
            for (String part : u.split(",")) {
                if (!part.isBlank()) urls.add(parseUrl(id, part.trim()));
            }
        }
        return new SinkSettings(id, urls, trim(c.index__prefix()), c.data__stream(), trim(c.pipeline()),
                trim(c.username()), Secret.resolve(c.password(), c.password__file()),
                Secret.resolve(c.api__key(), c.api__key__file()), trim(c.ca__file()), trim(c.tls__sha256()),
                Duration.ofSeconds(c.timeout__seconds()), c.max__bulk__mb() * MIB);
    }

    boolean https() {
        return "https".equals(urls.get(0).getScheme());
    }

    /** Removes the secrets from a text that may echo a request (a proxy's error page, an exception). */
    String mask(String text) {
        return apiKey.mask(password.mask(text));
    }

    static URI parseUrl(String id, String text) {
        try {
            URI u = new URI(text);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("sink " + id + ": '" + text + "' is not an http:// or https:// URL");
            }
            if (u.getUserInfo() != null) {
                // a password in the URL would end up in logs; there are keys for it
                throw new IllegalArgumentException("sink " + id + ": put credentials in username/password, not in the URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("sink " + id + ": '" + text + "' is not a URL: " + e.getReason());
        }
    }

    static void checkIndexPrefix(String id, String prefix) {
        if (prefix == null || prefix.isEmpty()) throw new IllegalArgumentException("sink " + id + ": index_prefix is empty");
        if (!prefix.equals(prefix.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("sink " + id + ": index_prefix '" + prefix + "' must be lower case");
        }
        if (prefix.startsWith("-") || prefix.startsWith("_") || prefix.startsWith("+") || prefix.startsWith(".")) {
            throw new IllegalArgumentException("sink " + id + ": index_prefix '" + prefix + "' must not start with - _ + or .");
        }
        if (prefix.length() > 200) throw new IllegalArgumentException("sink " + id + ": index_prefix is longer than 200 characters");
        for (char ch : prefix.toCharArray()) {
            if (FORBIDDEN_INDEX_CHARACTERS.indexOf(ch) >= 0 || Character.isISOControl(ch)) {
                throw new IllegalArgumentException("sink " + id + ": index_prefix '" + prefix + "' contains '" + ch + "'");
            }
        }
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
