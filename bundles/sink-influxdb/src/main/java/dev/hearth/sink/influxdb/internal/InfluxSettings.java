package dev.hearth.sink.influxdb.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;
import dev.hearth.support.net.Secret;
import dev.hearth.support.net.TlsTrust;

/**
 * Where and how one sink instance writes, checked once at activation so that a wrong combination
 * is refused with a reason instead of failing on every batch.
 *
 * @param sinkId the {@code hearth.sink.id}, used in every message
 * @param url the server's base URL ({@code http://host:8086}); a path is kept as a prefix (reverse proxies)
 * @param api which write API
 * @param database v1: the database ({@code db})
 * @param retentionPolicy v1: the retention policy ({@code rp}), empty for the database's default
 * @param org v2: the organisation (InfluxDB 2.x needs it; 1.8, 3.x and QuestDB ignore it)
 * @param bucket v2: the bucket (on InfluxDB 1.8: {@code database/retention-policy})
 * @param username v1 basic auth, or with v2 the {@code Token user:password} form InfluxDB 1.8 takes
 * @param password the password, never printed
 * @param token v2: the API token, never printed
 * @param precision timestamp precision
 * @param gzip whether request bodies are gzip-compressed
 * @param timeout connect and request timeout
 * @param tls how an https server is trusted; {@code null} for http
 * @param deviceTag the tag that carries the reading's device id
 * @param batchSize most lines per request
 */
record InfluxSettings(String sinkId, URI url, Api api, String database, String retentionPolicy, String org,
        String bucket, String username, Secret password, Secret token, Precision precision, boolean gzip,
        Duration timeout, TlsTrust tls, String deviceTag, int batchSize) {

    enum Api {
        V1, V2;

        static Api parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("v1") || t.equals("1")) return V1;
            if (t.equals("v2") || t.equals("2")) return V2;
            throw new IllegalArgumentException("api must be v1 or v2; got '" + text + "'");
        }
    }

    InfluxSettings {
        database = blankToEmpty(database);
        retentionPolicy = blankToEmpty(retentionPolicy);
        org = blankToEmpty(org);
        bucket = blankToEmpty(bucket);
        username = blankToEmpty(username);
        password = password == null ? Secret.none() : password;
        token = token == null ? Secret.none() : token;
        String prefix = "sink " + sinkId + ": ";
        if (url == null) throw new IllegalArgumentException(prefix + "url is required (e.g. http://127.0.0.1:8086)");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(prefix + "url must start with http:// or https://; got '" + url + "'");
        }
        if (url.getHost() == null) throw new IllegalArgumentException(prefix + "url '" + url + "' has no host");
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(prefix + "url must not carry a query or fragment; use the database/bucket keys");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(prefix + "url must not carry credentials; use username and password or password_file");
        }
        if (scheme.equals("https") && tls == null) throw new IllegalArgumentException(prefix + "an https url needs a TLS trust");
        if (scheme.equals("http") && tls != null) tls = null; // ca_file/tls_sha256 only matter for https
        if (api == Api.V1) {
            if (database.isEmpty()) throw new IllegalArgumentException(prefix + "api v1 needs a database");
            if (token.isPresent()) throw new IllegalArgumentException(prefix + "api v1 takes username and password, not a token");
            if (!bucket.isEmpty() || !org.isEmpty()) {
                throw new IllegalArgumentException(prefix + "bucket and org belong to api v2; api v1 takes database and retention_policy");
            }
        } else {
            if (bucket.isEmpty()) throw new IllegalArgumentException(prefix + "api v2 needs a bucket");
            if (token.isPresent() && (!username.isEmpty() || password.isPresent())) {
                throw new IllegalArgumentException(prefix + "give a token or username and password, not both");
            }
            if (!database.isEmpty() || !retentionPolicy.isEmpty()) {
                throw new IllegalArgumentException(prefix + "database and retention_policy belong to api v1; api v2 takes bucket and org");
            }
        }
        if (password.isPresent() && username.isEmpty()) throw new IllegalArgumentException(prefix + "a password needs a username");
        if (!username.isEmpty() && !password.isPresent()) throw new IllegalArgumentException(prefix + "username '" + username + "' needs a password or password_file");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException(prefix + "timeout_seconds must be at least 1");
        if (batchSize < 1) throw new IllegalArgumentException(prefix + "hearth.sink.batch.size must be at least 1");
        if (precision == null) throw new IllegalArgumentException(prefix + "precision is required");
    }

    /** The write endpoint with its query parameters. */
    URI writeUri() {
        String base = url.toString().replaceAll("/+$", "");
        StringBuilder q = new StringBuilder(base);
        if (api == Api.V1) {
            q.append("/write?db=").append(encode(database));
            if (!retentionPolicy.isEmpty()) q.append("&rp=").append(encode(retentionPolicy));
        } else {
            q.append("/api/v2/write?bucket=").append(encode(bucket));
            if (!org.isEmpty()) q.append("&org=").append(encode(org));
        }
        String unit = api == Api.V1 ? precision.v1Parameter() : precision.parameter();
        return URI.create(q.append("&precision=").append(unit).toString());
    }

    /**
     * The {@code Authorization} header value, or {@code null} without credentials. A header rather
     * than {@code u=}/{@code p=} parameters, which end up in access logs and proxies' URLs.
     */
    String authorization() {
        if (token.isPresent()) return "Token " + token.reveal();
        if (username.isEmpty()) return null;
        if (api == Api.V2) return "Token " + username + ":" + password.reveal(); // InfluxDB 1.8's v2 form
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
    }

    /** Removes every secret from a text that may echo a request (a server message, an exception). */
    String mask(String text) {
        String masked = token.mask(password.mask(text));
        String auth = authorization();
        return auth == null || masked == null ? masked : masked.replace(auth, "****");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.trim();
    }
}
