package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * QuestDB ({@code org.questdb:questdb} from Maven Central, a test dependency of this module) as a
 * separate Java process: {@code java -p questdb.jar -m io.questdb/io.questdb.ServerMain -d dir},
 * HTTP (which takes line protocol at {@code /write} and {@code /api/v2/write}) on 127.0.0.1:port,
 * PostgreSQL wire, ILP over TCP/UDP, the health port and telemetry off.
 */
final class QuestDbServer extends ServerProcess {

    private QuestDbServer() throws IOException {
        super("questdb");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/server.conf"), """
                http.bind.to=127.0.0.1:%d
                http.min.enabled=false
                pg.enabled=false
                line.tcp.enabled=false
                line.udp.enabled=false
                telemetry.enabled=false
                shared.worker.count=2
                """.formatted(port));
    }

    static QuestDbServer launch() throws Exception {
        QuestDbServer s = new QuestDbServer();
        s.start();
        return s;
    }

    /** The QuestDB jar, found through the test class path without loading the server's classes. */
    static Path jar() {
        try {
            Class<?> main = Class.forName("io.questdb.ServerMain", false, QuestDbServer.class.getClassLoader());
            return Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            return fail("org.questdb:questdb is not on the test class path: " + e);
        }
    }

    @Override
    List<String> command() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xms64m", "-Xmx256m", "-p", jar().toString(), "-m", "io.questdb/io.questdb.ServerMain",
                "-d", dir.toString());
    }

    @Override
    boolean ready() throws IOException, InterruptedException {
        return get("/exec?query=" + enc("select 1"), null).statusCode() == 200;
    }

    /** The JSON answer of a SQL query at {@code /exec}. */
    JsonObject exec(String sql) throws Exception {
        HttpResponse<String> r = get("/exec?query=" + enc(sql), null);
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** The one number a query returns, 0 if the table does not exist yet. */
    long count(String sql) throws Exception {
        HttpResponse<String> r = get("/exec?query=" + enc(sql), null);
        if (r.statusCode() == 400 && r.body().contains("does not exist")) return 0;
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("dataset").get(0).getAsJsonArray().get(0).getAsLong();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
