package dev.hearth.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One feature file (OSGi Compendium 159 JSON): its bundles with start orders, its default
 * configurations and the features it requires (extension {@code hearth-requires}).
 *
 * @param name file name without {@code .json}; what {@code hearth.features} refers to
 */
public record Feature(String name, String id, String title, String description, List<BundleRef> bundles,
        Map<String, Map<String, Object>> configurations, List<String> requires, Path source) {

    /** A bundle by Maven coordinates, with its start level. */
    public record BundleRef(String groupId, String artifactId, String version, String type, String classifier,
            int startOrder) {

        /** Path inside a Maven-layout repository ({@code system/}). */
        public String repositoryPath() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version
                    + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
        }

        public String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }
    }
}
