package dev.hearth.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Two linked pseudo-terminals from {@code socat}: a serial cable whose ends are {@link #device()}
 * and {@link #peer()}. {@link #unplug()} kills socat (its links vanish and the ptys hang up);
 * {@link #plug()} makes a new pair under the same names, as a replugged adapter would. Needs the
 * Debian package {@code socat}; for the serial transport's and serial drivers' tests.
 */
public final class SocatPair implements AutoCloseable {

    private final Path device;
    private final Path peer;
    private Process socat;

    public SocatPair(Path dir) throws IOException, InterruptedException {
        this.device = dir.resolve("ttyDEVICE");
        this.peer = dir.resolve("ttyPEER");
        plug();
    }

    public Path device() { return device; }

    public Path peer() { return peer; }

    public synchronized void plug() throws IOException, InterruptedException {
        if (socat != null) throw new IllegalStateException("already plugged");
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + device, "pty,raw,echo=0,link=" + peer)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(device) && Files.exists(peer))) {
            if (!socat.isAlive()) throw new IOException("socat exited with " + socat.exitValue() + " (is it installed?)");
            if (System.nanoTime() > end) throw new IOException("socat made no links in 10 s");
            Thread.sleep(20);
        }
    }

    public synchronized void unplug() throws InterruptedException {
        if (socat == null) return;
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) socat.destroyForcibly().waitFor();
        socat = null;
        // socat unlinks on SIGTERM; make sure, as a killed adapter's node is gone too
        try {
            Files.deleteIfExists(device);
            Files.deleteIfExists(peer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            unplug();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
