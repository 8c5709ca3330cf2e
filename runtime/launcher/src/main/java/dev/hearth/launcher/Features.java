package dev.hearth.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The features directory: finds feature files by name and expands {@code hearth-requires}. */
public final class Features {
    private final Path dir;
    private final Map<String, Feature> loaded = new LinkedHashMap<>();

    public Features(Path dir) {
        this.dir = dir;
    }

    /** Names of all {@code *.json} files in the directory, sorted. */
    public List<String> available() throws LauncherException {
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .forEach(n -> names.add(n.substring(0, n.length() - 5)));
        } catch (IOException e) {
            throw new LauncherException(dir + ": cannot list feature files: " + e.getMessage(),
                    LauncherException.CONFIG, e);
        }
        return new ArrayList<>(names);
    }

    public Feature get(String name) throws LauncherException {
        Feature f = loaded.get(name);
        if (f == null) {
            f = FeatureParser.parse(dir.resolve(name + ".json"));
            loaded.put(name, f);
        }
        return f;
    }

    /**
     * The named features and everything they require, each once, requirements first.
     *
     * @param origin where the names came from, for error messages (file and key)
     */
    public List<Feature> select(List<String> names, String origin) throws LauncherException {
        List<String> available = available();
        List<Feature> out = new ArrayList<>();
        for (String name : names) {
            if (!available.contains(name)) {
                throw new LauncherException(origin + ": unknown feature '" + name + "' (available in " + dir + ": "
                        + String.join(", ", available) + ")");
            }
            visit(name, available, out, new ArrayList<>());
        }
        return out;
    }

    private void visit(String name, List<String> available, List<Feature> out, List<String> path)
            throws LauncherException {
        for (Feature f : out) {
            if (f.name().equals(name)) {
                return;
            }
        }
        if (path.contains(name)) {
            throw new LauncherException(dir + ": features require each other in a cycle: "
                    + String.join(" -> ", path) + " -> " + name);
        }
        Feature f = get(name);
        path.add(name);
        for (String req : f.requires()) {
            if (!available.contains(req)) {
                throw new LauncherException(f.source() + ": extensions.hearth-requires: unknown feature '" + req + "'");
            }
            visit(req, available, out, path);
        }
        path.remove(path.size() - 1);
        out.add(f);
    }
}
