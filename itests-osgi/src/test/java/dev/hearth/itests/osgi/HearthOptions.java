package dev.hearth.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.ops4j.pax.exam.Option;

/**
 * The container every test class runs in: the part of the platform feature the core needs (SPI
 * Fly with ASM and SLF4J, DS, ConfigAdmin, SQLite, Gson) plus hearth-api, hearth-core and
 * hearth-testkit, all by file URL (paths handed over by the build as system properties
 * {@code bundle.*}: see pom.xml). Each container gets its own directory under
 * {@code target/paxexam} for the framework storage and {@code hearth.data}.
 */
public final class HearthOptions {

    private HearthOptions() {
    }

    /** The base container; {@code name} names its working directory. */
    public static Option base(String name) {
        Path root = newDirectory(name);
        Path data = mkdirs(root.resolve("data"));
        Path sqliteTmp = mkdirs(root.resolve("sqlite-tmp"));
        return composite(
                cleanCaches(true),
                frameworkProperty("org.osgi.framework.storage").value(root.resolve("felix").toString()),
                frameworkProperty("org.osgi.framework.storage.clean").value("onFirstInit"),
                frameworkProperty("hearth.data").value(data.toString()),
                frameworkProperty("org.sqlite.tmpdir").value(sqliteTmp.toString()),
                // sqlite-jdbc reads this from the system properties (the native container shares the JVM).
                systemProperty("org.sqlite.tmpdir").value(sqliteTmp.toString()),
                systemProperty("hearth.itest.root").value(root.toString()),
                frameworkStartLevel(10),
                // The native container shares the test JVM, whose class path holds slf4j-api and
                // slf4j-simple too: without this Felix lets java.util.ServiceLoader (a JDK class)
                // see them, and SLF4J in the container finds a provider it cannot use.
                frameworkProperty("felix.bootdelegation.implicit").value("false"),

                // start order as in features/platform.json: logging first, then libraries, config, DS
                bundle(url("asm")).startLevel(1),
                bundle(url("asm-tree")).startLevel(1),
                bundle(url("asm-analysis")).startLevel(1),
                bundle(url("asm-commons")).startLevel(1),
                bundle(url("asm-util")).startLevel(1),
                bundle(url("spifly")).startLevel(1),
                bundle(url("slf4j-simple")).startLevel(1),
                bundle(url("slf4j-api")).startLevel(1),
                bundle(url("osgi-log")).startLevel(3),
                bundle(url("osgi-function")).startLevel(3),
                bundle(url("osgi-promise")).startLevel(3),
                bundle(url("osgi-component")).startLevel(3),
                bundle(url("sqlite-jdbc")).startLevel(3),
                bundle(url("gson")).startLevel(3),
                bundle(url("configadmin")).startLevel(3),
                bundle(url("scr")).startLevel(3),
                junitBundles(),

                bundle(url("hearth-api")).startLevel(4),
                bundle(url("hearth-core")).startLevel(4),
                bundle(url("hearth-reading-json")).startLevel(4), // the file sink's JSON form
                bundle(url("hearth-testkit")).startLevel(4));
    }

    /**
     * What the MQTT client needs (features/mqtt.json without the sink): Netty, Reactive Streams,
     * RxJava, JCTools, net-support and mqtt-support; and Metatype, which management reads.
     */
    public static Option mqttClient() {
        return composite(
                bundle(url("metatype")).startLevel(3),
                bundle(url("netty-common")).startLevel(3),
                bundle(url("netty-buffer")).startLevel(3),
                bundle(url("netty-resolver")).startLevel(3),
                bundle(url("netty-transport")).startLevel(3),
                bundle(url("netty-transport-native-unix-common")).startLevel(3),
                bundle(url("netty-codec")).startLevel(3),
                bundle(url("netty-handler")).startLevel(3),
                bundle(url("reactive-streams")).startLevel(3),
                bundle(url("rxjava")).startLevel(3),
                bundle(url("jctools")).startLevel(3),
                bundle(url("hearth-net-support")).startLevel(4),
                bundle(url("hearth-mqtt-support")).startLevel(4));
    }

    /**
     * The gateway's HTTP service as features/platform.json provisions it: the servlet API, Commons
     * IO and FileUpload (Jetty's multipart needs them) and Felix Jetty 12, listening on
     * 127.0.0.1:{@code port} only.
     */
    public static Option http(int port) {
        return composite(
                frameworkProperty("org.osgi.service.http.port").value(String.valueOf(port)),
                frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"),
                bundle(url("servlet-api")).startLevel(3),
                bundle(url("commons-io")).startLevel(3),
                bundle(url("commons-fileupload")).startLevel(3),
                bundle(url("jetty12")).startLevel(5));
    }

    /** A free TCP port on the loopback interface (free when asked; Jetty takes it at start). */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file URL of a bundle the build handed over as system property {@code bundle.<key>}. */
    public static String url(String key) {
        String path = System.getProperty("bundle." + key);
        if (path == null || path.isBlank() || path.contains("${")) {
            throw new IllegalStateException("system property bundle." + key + " is not set (run through Maven failsafe): " + path);
        }
        Path p = Paths.get(path).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("bundle." + key + ": no such file " + p + " (build the module first)");
        }
        return p.toUri().toString();
    }

    /** A new directory for one test's files, inside the container's working directory. */
    public static Path testDirectory(String name) throws IOException {
        String root = System.getProperty("hearth.itest.root");
        Path parent = root != null ? Paths.get(root) : Paths.get(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(mkdirs(parent), name + "-");
    }

    private static Path newDirectory(String name) {
        String work = System.getProperty("hearth.itest.work", "target/paxexam");
        try {
            return Files.createTempDirectory(mkdirs(Paths.get(work).toAbsolutePath()), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
