package dev.hearth.itests.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Builds OtaIT's and OtaFeatureIT's test bundles on the host side (in {@code @Configuration}): a
 * manifest, an activator class copied from the test class path, optionally a DS component that can
 * never be satisfied, extra manifest headers (the test driver's device) and padding (incompressible
 * bytes, to make a set too large together while each member fits).
 */
final class OtaBundles {

    static final String SAMPLE = "dev.hearth.itest.sample";
    private static final String PACKAGE = "dev/hearth/itests/osgi/otasample/";
    /** The activators that use {@code dev.hearth.api} (the others need only {@code org.osgi.framework}). */
    private static final Set<String> USES_API = Set.of("PublishingActivator");

    private OtaBundles() {
    }

    /** A bundle without extra headers or padding. */
    static Path bundle(Path out, String bsn, String version, String activator, boolean unsatisfiedComponent) throws IOException {
        return bundle(out, bsn, version, activator, unsatisfiedComponent, Map.of(), 0);
    }

    /**
     * @param activator {@code GoodActivator}, {@code BadActivator} or {@code PublishingActivator}
     * @param unsatisfiedComponent whether to add a DS component with a mandatory reference nobody offers
     * @param headers extra main manifest headers
     * @param padBytes how many random bytes to add in {@code padding.bin} (none if 0)
     */
    static Path bundle(Path out, String bsn, String version, String activator, boolean unsatisfiedComponent,
            Map<String, String> headers, int padBytes) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", "dev.hearth.itests.osgi.otasample." + activator);
        a.putValue("Import-Package", "org.osgi.framework;version=\"[1.8,2)\""
                + (USES_API.contains(activator) ? ",dev.hearth.api;version=\"[1.0,2)\"" : ""));
        if (unsatisfiedComponent) a.putValue("Service-Component", "OSGI-INF/waiting.xml");
        headers.forEach(a::putValue);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), m)) {
            String cls = PACKAGE + activator + ".class";
            jar.putNextEntry(new JarEntry(cls));
            try (InputStream in = OtaBundles.class.getClassLoader().getResourceAsStream(cls)) {
                if (in == null) throw new IOException("no " + cls + " on the class path");
                in.transferTo(jar);
            }
            if (unsatisfiedComponent) {
                jar.putNextEntry(new JarEntry("OSGI-INF/waiting.xml"));
                jar.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + bsn + ".waiting\" immediate=\"true\">\n"
                        + "  <implementation class=\"dev.hearth.itests.osgi.otasample.GoodActivator\"/>\n"
                        + "  <reference name=\"nothing\" interface=\"dev.hearth.itest.NobodyOffersThis\" cardinality=\"1..1\"/>\n"
                        + "</scr:component>\n").getBytes(StandardCharsets.UTF_8));
            }
            if (padBytes > 0) {
                byte[] pad = new byte[padBytes];
                new Random(bsn.hashCode() ^ version.hashCode()).nextBytes(pad);
                jar.putNextEntry(new JarEntry("padding.bin"));
                jar.write(pad);
            }
        }
        return out;
    }

    /** A copy of a signed jar with one entry more: its signature no longer covers everything. */
    static Path tampered(Path signed, Path out) throws IOException {
        try (ZipFile in = new ZipFile(signed.toFile()); OutputStream o = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(o)) {
            for (var e = in.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                zip.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream s = in.getInputStream(entry)) {
                    s.transferTo(zip);
                }
            }
            zip.putNextEntry(new ZipEntry(PACKAGE + "Extra.class"));
            zip.write(new byte[] { (byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE });
        }
        return out;
    }

    /** A copy of {@code jar} whose manifest says {@code Bundle-Version: version} (a "new release" of a real driver). */
    static Path withVersion(Path jar, String version, Path out) throws IOException {
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile(), false)) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(out), m)) {
                for (var e = in.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) continue;
                    o.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream s = in.getInputStream(entry)) {
                        s.transferTo(o);
                    }
                }
            }
        }
        return out;
    }
}
