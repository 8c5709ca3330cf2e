package dev.hearth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * {@code strip-serviceloader JAR}: the build's correction of one third-party bundle, Felix HTTP
 * Jetty 12. Its manifest asks for the OSGi ServiceLoader Mediator (optionally), so SPI Fly weaves
 * every one of its ~700 classes with ASM as they load, looking for {@code ServiceLoader.load}
 * calls. Hearth needs none of them: they find HTTP/2 and HTTP/3 field encoders and TLS ALPN, which
 * the gateway does not use. On this machine the weaving cost about 0.4-0.7 s of the 2-3 s of CPU
 * of a start (bench/startup.sh, JFR). SPI Fly decides from the manifest alone, so the requirements
 * in the {@code osgi.serviceloader} namespaces are removed from it; every other header and every
 * entry of the jar stay as they were. Hand-written: the framework jar has no public header
 * parser, and this needs only clause splitting that respects quotes.
 */
final class ServiceLoaderRequirements {
    static final String REQUIRE_CAPABILITY = "Require-Capability";

    private ServiceLoaderRequirements() {
    }

    /** Rewrites the jar in place; returns how many requirements were removed (none is an error). */
    static int strip(Path jar) throws LauncherException {
        Path partial = jar.resolveSibling(jar.getFileName() + ".partial");
        int removed;
        try (JarFile in = new JarFile(jar.toFile(), false)) {
            Manifest manifest = in.getManifest();
            if (manifest == null) {
                throw new LauncherException(jar + ": no manifest", LauncherException.CHECK_FAILED, null);
            }
            Attributes main = manifest.getMainAttributes();
            String header = main.getValue(REQUIRE_CAPABILITY);
            List<String> clauses = header == null ? List.of() : clauses(header);
            List<String> kept = clauses.stream().filter(c -> !isServiceLoader(c)).toList();
            removed = clauses.size() - kept.size();
            if (removed == 0) {
                throw new LauncherException(jar + ": no osgi.serviceloader requirement to remove (has the bundle changed?)",
                        LauncherException.CHECK_FAILED, null);
            }
            if (kept.isEmpty()) {
                main.remove(new Attributes.Name(REQUIRE_CAPABILITY));
            } else {
                main.putValue(REQUIRE_CAPABILITY, String.join(",", kept));
            }
            try (OutputStream os = Files.newOutputStream(partial); JarOutputStream out = new JarOutputStream(os, manifest)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    JarEntry copy = new JarEntry(e.getName());
                    copy.setTime(e.getTime());
                    out.putNextEntry(copy);
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LauncherException(jar + ": cannot be rewritten: " + e.getMessage(), LauncherException.CHECK_FAILED, e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // a leftover .partial beside the jar; the next build replaces it
            }
        }
        return removed;
    }

    /** A clause's namespace is {@code osgi.serviceloader} or below it (.processor, .registrar). */
    static boolean isServiceLoader(String clause) {
        String namespace = clause.split(";", 2)[0].trim();
        return namespace.equals("osgi.serviceloader") || namespace.startsWith("osgi.serviceloader.")
                || clause.contains("(osgi.extender=osgi.serviceloader.");
    }

    /** The clauses of a manifest header: split at commas outside double quotes. */
    static List<String> clauses(String header) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().trim());
        }
        return out;
    }
}
