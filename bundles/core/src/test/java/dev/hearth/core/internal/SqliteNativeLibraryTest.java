package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteNativeLibraryTest {
    @TempDir
    Path dir;

    private static byte[] jarCopy() throws Exception {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
                LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())) {
            return in.readAllBytes();
        }
    }

    @Test
    void theLibraryIsUnpackedOnceAndFoundIntactAfterwards() throws Exception {
        Path file = SqliteNativeLibrary.prepare(dir).orElseThrow();
        assertTrue(file.startsWith(dir), file.toString());
        assertEquals(LibraryLoaderUtil.getNativeLibName(), file.getFileName().toString());
        assertArrayEquals(jarCopy(), Files.readAllBytes(file));

        FileTime stamp = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, stamp);
        assertEquals(Optional.of(file), SqliteNativeLibrary.prepare(dir));
        assertEquals(stamp, Files.getLastModifiedTime(file), "an intact file is not written again");
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no partial files left beside it");
        }
    }

    @Test
    void aDamagedTruncatedOrReplacedFileIsRewrittenBeforeUse() throws Exception {
        Path file = SqliteNativeLibrary.prepare(dir).orElseThrow();
        byte[] good = jarCopy();

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x40; // same size, one bit off: a bad SD card block
        Files.write(file, flipped);
        SqliteNativeLibrary.prepare(dir);
        assertArrayEquals(good, Files.readAllBytes(file));

        Files.write(file, new byte[] {0x7f, 'E', 'L', 'F'}); // truncated
        SqliteNativeLibrary.prepare(dir);
        assertArrayEquals(good, Files.readAllBytes(file));

        Files.write(file, new byte[good.length + 4096]); // another library, larger
        SqliteNativeLibrary.prepare(dir);
        assertArrayEquals(good, Files.readAllBytes(file));
    }

    @Test
    void whereNothingCanBeWrittenSqliteIsLeftToFindItsLibraryItself() throws Exception {
        Path blocked = dir.resolve("native");
        Files.writeString(blocked, "a file where the directory should be");
        assertEquals(Optional.empty(), SqliteNativeLibrary.prepare(blocked));
        assertEquals("a file where the directory should be", Files.readString(blocked));
        assertFalse(Files.isDirectory(blocked));
    }
}
