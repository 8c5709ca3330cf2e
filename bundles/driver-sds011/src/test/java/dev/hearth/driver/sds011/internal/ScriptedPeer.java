package dev.hearth.driver.sds011.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The scripted SDS011 ({@code src/test/python/sds011_peer.py}) on the peer end of a pty pair. */
final class ScriptedPeer implements AutoCloseable {

    private final Process process;
    private final Writer control;
    private final List<String> events = new ArrayList<>();

    ScriptedPeer(Path pty, boolean queryMode) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", Path.of("src/test/python/sds011_peer.py").toAbsolutePath().toString(), pty.toString()));
        if (queryMode) cmd.add("--query-mode");
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        control = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (events) {
                        events.add(line);
                        events.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the peer ended
            }
        }, "sds011-peer-events");
        t.setDaemon(true);
        t.start();
        await("ready"::equals, Duration.ofSeconds(10));
    }

    /** Sends a control line and waits for the peer to take it. */
    void tell(String line) throws IOException, InterruptedException {
        control.write(line + "\n");
        control.flush();
        await(("ok " + line)::equals, Duration.ofSeconds(5));
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    long count(String event) {
        return events().stream().filter(event::equals).count();
    }

    String await(Predicate<String> which, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (String e : events) if (which.test(e)) return e;
                long left = end - System.nanoTime();
                if (left <= 0) throw new AssertionError("the peer did not say it within " + timeout + "; it said " + events);
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits for {@code event} to have been said {@code times} times in all. */
    void awaitCount(String event, long times, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (events.stream().filter(event::equals).count() < times) {
                long left = end - System.nanoTime();
                if (left <= 0) throw new AssertionError("'" + event + "' not said " + times + " times within " + timeout + "; it said " + events);
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
