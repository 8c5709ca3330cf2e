package dev.hearth.itests;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real servers for the system tests, started on 127.0.0.1 from the Debian packages, restartable on the same port. */
final class Servers {

    private Servers() {
    }

    /** A server process that can be stopped and started again with the same port and data. */
    abstract static class Server implements AutoCloseable {
        final Path dir;
        final int port;
        Process process;

        Server(Path dir) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.port = Gateway.freePort();
        }

        abstract List<String> command() throws IOException;

        abstract boolean ready();

        Server start() throws IOException, InterruptedException {
            process = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ready()) {
                if (!process.isAlive()) throw new AssertionError(command() + " exited: " + Files.readString(dir.resolve("server.log")));
                if (System.nanoTime() > end) throw new AssertionError(command() + " not ready in 60 s");
                Thread.sleep(100);
            }
            return this;
        }

        void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            }
        }

        boolean listening() {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** InfluxDB 1.x (Debian influxdb), private config, data kept across restarts. */
    static final class Influx extends Server {
        private final HttpClient http = HttpClient.newHttpClient();

        Influx(Path dir) throws IOException {
            super(dir);
            Files.writeString(dir.resolve("influxdb.conf"), """
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
                      log-enabled = false
                    [monitor]
                      store-enabled = false
                    [continuous_queries]
                      enabled = false
                    """.formatted(Gateway.freePort(), dir, dir, dir, port));
        }

        @Override
        List<String> command() {
            return List.of("/usr/bin/influxd", "-config", dir.resolve("influxdb.conf").toString());
        }

        @Override
        boolean ready() {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 204;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        String query(String db, String q) throws IOException, InterruptedException {
            String form = "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + (db == null ? "" : "&db=" + db);
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }

        /** The single number a {@code SELECT count(...)} answers, 0 if none. */
        long count(String db, String q) {
            try {
                Matcher m = Pattern.compile("\"values\":\\[\\[\"[^\"]+\",(\\d+)").matcher(query(db, q));
                return m.find() ? Long.parseLong(m.group(1)) : 0;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    /** Mosquitto (Debian mosquitto) with its default queue settings, loopback only. */
    static final class Mosquitto extends Server {
        Mosquitto(Path dir) throws IOException {
            this(dir, "persistence false\n");
        }

        /** With extra configuration lines (e.g. persistence for a test subscriber's session). */
        Mosquitto(Path dir, String extra) throws IOException {
            super(dir);
            Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n" + extra);
        }

        @Override
        List<String> command() {
            String bin = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
            return List.of(bin, "-c", dir.resolve("mosquitto.conf").toString());
        }

        @Override
        boolean ready() {
            return listening();
        }
    }
}
