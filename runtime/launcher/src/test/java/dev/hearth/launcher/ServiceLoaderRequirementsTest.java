package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceLoaderRequirementsTest {
    /** Felix HTTP Jetty 12 1.1.8's header, shortened, plus a quoted comma (a version range). */
    static final String JETTY_LIKE = String.join(",",
            "osgi.contract;filter:=\"(&(osgi.contract=JavaServlet)(version=4.0))\"",
            "osgi.extender;filter:=\"(osgi.extender=osgi.serviceloader.registrar)\";resolution:=optional",
            "osgi.extender;filter:=\"(osgi.extender=osgi.serviceloader.processor)\";resolution:=optional",
            "osgi.serviceloader;filter:=\"(osgi.serviceloader=org.eclipse.jetty.http.HttpFieldPreEncoder)\";resolution:=optional;cardinality:=multiple",
            "osgi.wiring.package;filter:=\"(&(osgi.wiring.package=org.example)(version>=1.0)(!(version>=2.0)))\";x=\"a,b\"",
            "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=17))\"");

    @TempDir
    Path dir;

    @Test
    void theServiceLoaderRequirementsGoAndEverythingElseStays() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("org/example/A.class", "class bytes".getBytes(StandardCharsets.UTF_8));
        entries.put("META-INF/services/org.example.Spi", "org.example.Impl\n".getBytes(StandardCharsets.UTF_8));
        entries.put("big.bin", new byte[300_000]);
        Path jar = jar(JETTY_LIKE, entries);

        assertEquals(3, ServiceLoaderRequirements.strip(jar));

        try (JarFile j = new JarFile(jar.toFile())) {
            Attributes main = j.getManifest().getMainAttributes();
            assertEquals(List.of(
                    "osgi.contract;filter:=\"(&(osgi.contract=JavaServlet)(version=4.0))\"",
                    "osgi.wiring.package;filter:=\"(&(osgi.wiring.package=org.example)(version>=1.0)(!(version>=2.0)))\";x=\"a,b\"",
                    "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=17))\""),
                    ServiceLoaderRequirements.clauses(main.getValue("Require-Capability")));
            assertEquals("org.example.jetty", main.getValue("Bundle-SymbolicName"));
            assertEquals("osgi.serviceloader;osgi.serviceloader=org.example.Spi", main.getValue("Provide-Capability"));
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                JarEntry entry = j.getJarEntry(e.getKey());
                try (var in = j.getInputStream(entry)) {
                    assertArrayEquals(e.getValue(), in.readAllBytes(), e.getKey());
                }
            }
        }
        assertFalse(Files.exists(jar.resolveSibling(jar.getFileName() + ".partial")));
    }

    @Test
    void onlyServiceLoaderClausesLeaveTheHeaderGone() throws Exception {
        Path jar = jar("osgi.extender;filter:=\"(osgi.extender=osgi.serviceloader.processor)\"", Map.of());
        assertEquals(1, ServiceLoaderRequirements.strip(jar));
        try (JarFile j = new JarFile(jar.toFile())) {
            assertNull(j.getManifest().getMainAttributes().getValue("Require-Capability"));
        }
    }

    @Test
    void aJarWithNothingToRemoveFailsTheBuildAndIsLeftAlone() throws Exception {
        Path jar = jar("osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=17))\"", Map.of("a.txt", new byte[] {1}));
        byte[] before = Files.readAllBytes(jar);
        LauncherException e = assertThrows(LauncherException.class, () -> ServiceLoaderRequirements.strip(jar));
        assertTrue(e.getMessage().contains("no osgi.serviceloader requirement"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(jar));
    }

    @Test
    void aTruncatedOrForeignFileFailsClearlyAndIsLeftAlone() throws Exception {
        Path jar = jar(JETTY_LIKE, Map.of("a.txt", new byte[1000]));
        byte[] whole = Files.readAllBytes(jar);
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        Files.write(jar, half);
        LauncherException e = assertThrows(LauncherException.class, () -> ServiceLoaderRequirements.strip(jar));
        assertTrue(e.getMessage().startsWith(jar.toString()), e.getMessage());
        assertArrayEquals(half, Files.readAllBytes(jar));

        Path text = dir.resolve("notes.jar");
        Files.writeString(text, "not a jar at all");
        assertThrows(LauncherException.class, () -> ServiceLoaderRequirements.strip(text));
        assertEquals("not a jar at all", Files.readString(text));
    }

    @Test
    void clausesSplitOnlyOutsideQuotes() {
        assertEquals(List.of("a;x=\"1,2\"", "b", "c;f:=\"(&(a=1)(b=2))\""),
                ServiceLoaderRequirements.clauses("a;x=\"1,2\", b ,c;f:=\"(&(a=1)(b=2))\""));
        assertTrue(ServiceLoaderRequirements.isServiceLoader("osgi.serviceloader;filter:=\"(osgi.serviceloader=x)\""));
        assertTrue(ServiceLoaderRequirements.isServiceLoader("osgi.extender;filter:=\"(osgi.extender=osgi.serviceloader.processor)\""));
        assertFalse(ServiceLoaderRequirements.isServiceLoader("osgi.extender;filter:=\"(osgi.extender=osgi.component)\""));
        assertFalse(ServiceLoaderRequirements.isServiceLoader("osgi.ee;filter:=\"(osgi.ee=JavaSE)\""));
    }

    private Path jar(String requireCapability, Map<String, byte[]> entries) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-SymbolicName", "org.example.jetty");
        a.putValue("Require-Capability", requireCapability);
        a.putValue("Provide-Capability", "osgi.serviceloader;osgi.serviceloader=org.example.Spi");
        Path jar = dir.resolve("bundle.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, m)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }
}
