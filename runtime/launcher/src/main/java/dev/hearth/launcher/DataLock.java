package dev.hearth.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One gateway per data directory. Two would both open the journal and the framework cache and
 * deliver the same readings twice; a second start (a shell loop, systemd and a hand-run copy) is
 * refused instead. The lock is the operating system's (fcntl), so it goes with the process, even
 * on SIGKILL or power loss: a stale lock file never blocks a start.
 */
final class DataLock {
    static final String FILE = "gateway.lock";
    /** Held for the life of the JVM; a lock whose channel is collected would be released. */
    private static FileChannel held;

    private DataLock() {
    }

    static synchronized void acquire(Path data) throws LauncherException {
        Path file = data.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new LauncherException(data + " is in use by another Hearth gateway" + holder
                        + ": one gateway per data directory; stop that one first", LauncherException.CONFIG, null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            held = channel;
        } catch (IOException e) {
            try {
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new LauncherException(file + ": cannot lock the data directory: " + e.getMessage(), LauncherException.CONFIG, e);
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,10}") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }
}
