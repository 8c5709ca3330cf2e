package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondGatewayOnTheSameDataIsRefusedNamingTheFirst() throws Exception {
        // Another process holds the lock: a JVM running this class's helper main.
        Path data = Files.createDirectories(dir.resolve("data"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("locked", new String(other.getInputStream().readNBytes(6)), "the other process took the lock");
            LauncherException e = assertThrows(LauncherException.class, () -> DataLock.acquire(data));
            assertTrue(e.getMessage().contains("in use by another Hearth gateway (process " + other.pid() + ")"), e.getMessage());
            assertEquals(LauncherException.CONFIG, e.exitCode());
        } finally {
            other.destroyForcibly();
            other.waitFor(10, TimeUnit.SECONDS);
        }
        // Killed, its lock went with it: a stale lock file does not block a start.
        assertTrue(Files.exists(data.resolve(DataLock.FILE)));
        DataLock.acquire(data);
        assertEquals(List.of(String.valueOf(ProcessHandle.current().pid())), Files.readAllLines(data.resolve(DataLock.FILE)));
    }

    @Test
    void aLeftoverLockFileWithAnyContentDoesNotBlockAStart() throws Exception {
        Path data = Files.createDirectories(dir.resolve("other-data"));
        byte[] garbage = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(data.resolve(DataLock.FILE), garbage); // no process holds it: a copy, a crash, a hostile file
        DataLock.acquire(data);
        assertEquals(List.of(String.valueOf(ProcessHandle.current().pid())), Files.readAllLines(data.resolve(DataLock.FILE)));
    }

    /** Holds the lock of the directory in args[0] until killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            DataLock.acquire(Path.of(args[0]));
            System.out.print("locked");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
