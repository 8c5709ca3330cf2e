package dev.hearth.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps sqlite-jdbc's native library unpacked in the data directory, so that it loads without being
 * unpacked again. Left to itself, sqlite-jdbc writes the library (about 1 MB) to a new file at every
 * start and then compares that file with the jar's copy one byte per call: in a JFR profile of
 * `bench/startup.sh` that was 58 of the 365 samples of the thread that starts the bundles. Here it
 * is written once and compared in bulk at each start. A file that differs (another sqlite-jdbc
 * version, a damaged card, tampering) is replaced atomically before anything loads it.
 * sqlite-jdbc then loads the file through its own {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}.
 */
final class SqliteNativeLibrary {
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);

    private SqliteNativeLibrary() {
    }

    /**
     * The library for this platform, written to (or found intact in) {@code dir}. Empty when the
     * jar has none for this platform or the file cannot be written: sqlite-jdbc then finds its
     * library its own way, as before.
     */
    static Optional<Path> prepare(Path dir) {
        String name = LibraryLoaderUtil.getNativeLibName();
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        byte[] expected;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            expected = in.readAllBytes();
        } catch (IOException e) {
            LOG.warn("cannot read {} from sqlite-jdbc: {}", resource, e.toString());
            return Optional.empty();
        }
        Path file = dir.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).resolve(name);
        try {
            if (Files.isRegularFile(file) && Files.size(file) == expected.length
                    && Arrays.equals(Files.readAllBytes(file), expected)) {
                return Optional.of(file);
            }
            Files.createDirectories(file.getParent());
            Path partial = Files.createTempFile(file.getParent(), name, ".partial");
            try {
                Files.write(partial, expected);
                // Same directory, so the move is a rename: atomic, and a loader never sees half a file.
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            LOG.debug("sqlite-jdbc's native library unpacked to {}", file);
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot keep sqlite-jdbc's native library in {} ({}); it unpacks it itself", dir, e.toString());
            return Optional.empty();
        }
    }

    /** Points sqlite-jdbc at the prepared file, unless it has been told where to look already. */
    static void use(Path dir) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        prepare(dir).ifPresent(file -> {
            System.setProperty(NAME_PROPERTY, file.getFileName().toString());
            System.setProperty(PATH_PROPERTY, file.getParent().toString());
        });
    }
}
