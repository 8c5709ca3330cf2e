package dev.hearth.itests.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds OtaFeatureIT's test bundles on the host side: like {@link OtaBundles}, with extra manifest
 * headers (the test driver's device), an import of {@code dev.hearth.api}, and optional padding
 * (incompressible bytes, to make a set too large together while each member fits).
 */
final class FeatureBundles {

    private static final String PACKAGE = "dev/hearth/itests/osgi/otasample/";

    private FeatureBundles() {
    }

    /** @param activator {@code GoodActivator}, {@code BadActivator} or {@code PublishingActivator} */
    static Path bundle(Path out, String bsn, String version, String activator, Map<String, String> headers, int padBytes) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", "dev.hearth.itests.osgi.otasample." + activator);
        a.putValue("Import-Package", "org.osgi.framework;version=\"[1.8,2)\",dev.hearth.api;version=\"[1.0,2)\"");
        headers.forEach(a::putValue);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), m)) {
            String cls = PACKAGE + activator + ".class";
            jar.putNextEntry(new JarEntry(cls));
            try (InputStream in = FeatureBundles.class.getClassLoader().getResourceAsStream(cls)) {
                if (in == null) throw new IOException("no " + cls + " on the class path");
                in.transferTo(jar);
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
}
