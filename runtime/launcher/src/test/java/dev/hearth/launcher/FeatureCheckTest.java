package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's feature check (run by runtime/distribution at package time): a feature whose bundles
 * do not resolve, or are missing, or whose file is broken, fails it with the reason.
 */
class FeatureCheckTest {
    @TempDir
    Path dir;
    Path features;
    Path system;

    @BeforeEach
    void layout() throws IOException {
        features = Files.createDirectories(dir.resolve("features"));
        system = Files.createDirectories(dir.resolve("system"));
        bundle("provider", "Export-Package", "org.example.api;version=1.0.0");
        bundle("consumer", "Import-Package", "org.example.api;version=\"[1.0,2)\"");
    }

    @Test
    void aFeatureResolvesWithTheFeaturesItRequires() throws Exception {
        feature("api", "provider", null);
        feature("app", "consumer", "api");
        FeatureCheck check = new FeatureCheck(features, system);
        assertEquals(0, check.run(), String.join("\n", check.problems()));
        assertEquals(List.of(), check.problems());
    }

    @Test
    void aFeatureWhoseBundleCannotResolveFailsTheCheckNamingTheMissingPackage() throws Exception {
        feature("api", "provider", null);
        feature("app", "consumer", null); // forgot to require "api"
        FeatureCheck check = new FeatureCheck(features, system);
        assertEquals(LauncherException.CHECK_FAILED, check.run());
        assertEquals(1, check.problems().size(), String.join("\n", check.problems()));
        String problem = check.problems().get(0);
        assertTrue(problem.startsWith("feature app: org.example.consumer 1.0.0 does not resolve"), problem);
        assertTrue(problem.contains("org.example.api"), "names the missing package: " + problem);
    }

    @Test
    void aBundleMissingFromSystemFailsTheCheck() throws Exception {
        feature("api", "provider", null);
        feature("ghost", "absent", null);
        FeatureCheck check = new FeatureCheck(features, system);
        assertEquals(LauncherException.CHECK_FAILED, check.run());
        assertTrue(check.problems().stream().anyMatch(p -> p.contains("org.example:absent:1.0.0 is missing from")),
                String.join("\n", check.problems()));
    }

    @Test
    void aBrokenFeatureFileOrAnUnknownRequiredFeatureFailsTheCheck() throws Exception {
        feature("api", "provider", null);
        Files.writeString(features.resolve("broken.json"), "{ \"id\": ");
        feature("orphan", "consumer", "nonexistent");
        FeatureCheck check = new FeatureCheck(features, system);
        assertEquals(LauncherException.CHECK_FAILED, check.run());
        String all = String.join("\n", check.problems());
        assertTrue(all.contains("broken.json"), all);
        assertTrue(all.contains("unknown feature 'nonexistent'"), all);
    }

    private void feature(String name, String artifact, String requires) throws IOException {
        String extension = requires == null ? "" : """
                , "extensions": { "hearth-requires": { "type": "TEXT", "kind": "mandatory", "text": ["%s"] } }
                """.formatted(requires);
        Files.writeString(features.resolve(name + ".json"), """
                { "feature-resource-version": "1.0", "id": "org.example:feature-%s:1.0.0",
                  "bundles": [ { "id": "org.example:%s:1.0.0", "start-order": 20 } ] %s }
                """.formatted(name, artifact, extension));
    }

    /** A bundle with one manifest header beyond its identity, at system/'s Maven path. */
    private void bundle(String artifact, String header, String value) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.example." + artifact);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue(header, value);
        Path jar = system.resolve("org/example/" + artifact + "/1.0.0/" + artifact + "-1.0.0.jar");
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }
}
