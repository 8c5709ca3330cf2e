package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import com.google.gson.JsonArray;

import dev.hearth.support.net.TlsTrust;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * InfluxDB 1.x from the Debian package {@code influxdb} (1.6.7): {@code /usr/bin/influxd} with a
 * generated configuration whose every directory is in the temporary directory, HTTP on
 * 127.0.0.1:port, the RPC (backup) port moved to another free port, reporting and self-monitoring off.
 */
final class InfluxDbServer extends ServerProcess {

    static final Path INFLUXD = Path.of("/usr/bin/influxd");
    static final String ADMIN = "admin";

    private final boolean auth;
    private final String adminPassword;
    private final String tlsPin;
    private final HttpClient tlsClient;

    private InfluxDbServer(boolean auth, String adminPassword, Path certificate, Path key) throws IOException {
        super("influxdb");
        this.auth = auth;
        this.adminPassword = adminPassword;
        this.tlsPin = certificate == null ? null : pin(certificate);
        this.tlsClient = tlsPin == null ? null
                : HttpClient.newBuilder().sslContext(TlsTrust.pinned(tlsPin).sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        int rpcPort = freePort();
        String config = """
                reporting-disabled = true
                bind-address = "127.0.0.1:%d"
                [meta]
                  dir = "%s/meta"
                [data]
                  dir = "%s/data"
                  wal-dir = "%s/wal"
                  query-log-enabled = false
                [http]
                  enabled = true
                  bind-address = "127.0.0.1:%d"
                  auth-enabled = %s
                  log-enabled = false
                  https-enabled = %s
                  https-certificate = "%s"
                  https-private-key = "%s"
                [monitor]
                  store-enabled = false
                [continuous_queries]
                  enabled = false
                """.formatted(rpcPort, dir, dir, dir, port, auth, certificate != null,
                        certificate == null ? "" : certificate, key == null ? "" : key);
        Files.writeString(dir.resolve("influxdb.conf"), config);
    }

    /** Starts a server without authentication. */
    static InfluxDbServer launch() throws Exception {
        InfluxDbServer s = new InfluxDbServer(false, null, null, null);
        s.start();
        return s;
    }

    /** Starts a server with authentication on and one admin user with {@code password}. */
    static InfluxDbServer startWithAuth(String password) throws Exception {
        InfluxDbServer s = new InfluxDbServer(true, password, null, null);
        s.start();
        // With no user yet, InfluxDB lets exactly this statement through unauthenticated.
        HttpResponse<String> r = s.post("/query", "q=" + enc("CREATE USER " + ADMIN + " WITH PASSWORD '" + password + "' WITH ALL PRIVILEGES"), null);
        assertEquals(200, r.statusCode(), r.body());
        return s;
    }

    /** Starts a server that speaks only https, with this PEM certificate and key. */
    static InfluxDbServer launchTls(Path certificate, Path key) throws Exception {
        InfluxDbServer s = new InfluxDbServer(false, null, certificate, key);
        s.start();
        return s;
    }

    @Override
    String url() {
        return (tlsPin == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    @Override
    HttpClient client() {
        return tlsClient == null ? super.client() : tlsClient;
    }

    static String pin(Path certificatePem) throws IOException {
        try (var in = Files.newInputStream(certificatePem)) {
            return TlsTrust.fingerprint((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }

    @Override
    List<String> command() {
        return List.of(INFLUXD.toString(), "-config", dir.resolve("influxdb.conf").toString());
    }

    @Override
    String missingHint() {
        return "; install the Debian package 'influxdb' (apt-get install -y influxdb)";
    }

    @Override
    boolean ready() throws IOException, InterruptedException {
        return get("/ping", null).statusCode() == 204;
    }

    private String admin() {
        return auth ? "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + adminPassword).getBytes(StandardCharsets.UTF_8)) : null;
    }

    void createDatabase(String name) throws Exception {
        HttpResponse<String> r = post("/query", "q=" + enc("CREATE DATABASE \"" + name + "\""), admin());
        assertEquals(200, r.statusCode(), r.body());
    }

    /** The first series of the first result of an InfluxQL query, or {@code null} if it has none. */
    JsonObject series(String database, String influxQl) throws Exception {
        HttpResponse<String> r = get("/query?db=" + enc(database) + "&q=" + enc(influxQl), admin());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject result = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
        if (result.has("error")) throw new AssertionError(influxQl + ": " + result.get("error"));
        JsonArray series = result.getAsJsonArray("series");
        return series == null ? null : series.get(0).getAsJsonObject();
    }

    /** A single number a query returns (e.g. {@code SELECT COUNT(v) ...}), 0 when there are no rows. */
    long count(String database, String influxQl) throws Exception {
        JsonObject s = series(database, influxQl);
        return s == null ? 0 : s.getAsJsonArray("values").get(0).getAsJsonArray().get(1).getAsLong();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
