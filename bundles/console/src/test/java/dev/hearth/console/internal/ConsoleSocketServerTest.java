package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.DeviceState;
import dev.hearth.api.status.DeviceInfo;

/** The socket server against a real Gogo command processor, over a real Unix domain socket. */
class ConsoleSocketServerTest {

    @TempDir
    Path dir;

    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    ConsoleSocketServer server;
    final List<SocketChannel> opened = new ArrayList<>();

    /** A tiny command of our own, printing to System.out as many Gogo commands do. */
    public static final class Echo {
        public void shout(String s) {
            System.out.println(s.toUpperCase());
        }

        public void fail() {
            throw new IllegalStateException("it failed on purpose");
        }
    }

    @BeforeEach
    void start() throws IOException {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        FakeGatewayStatus gateway = new FakeGatewayStatus();
        gateway.devices.add(new DeviceInfo("kitchen", DeviceState.ONLINE, "", Instant.parse("2026-01-01T00:00:00Z"), Map.of(),
                5, 0, null, null));
        processor.addCommand("hearth", new HearthCommands(gateway, null, Clock.fixed(Instant.parse("2026-01-01T00:01:00Z"),
                ZoneOffset.UTC)));
        processor.addCommand("test", new Echo());
        server = new ConsoleSocketServer(processor, dir.resolve("console.sock"));
    }

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : opened) c.close();
        server.close();
        processor.stop();
        threadIO.stop();
    }

    SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("console.sock")));
        opened.add(c);
        return c;
    }

    static void send(SocketChannel c, String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) c.write(b);
    }

    /** Reads until the prompt ends the output (or the server closes); returns the output before it. */
    static String untilPrompt(SocketChannel c) throws IOException {
        StringBuilder got = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(8192);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        while (true) {
            String s = bytes.toString(StandardCharsets.UTF_8);
            if (s.endsWith(ConsoleSocketServer.PROMPT)) return s.substring(0, s.length() - ConsoleSocketServer.PROMPT.length());
            b.clear();
            int n = c.read(b);
            if (n < 0) return got.append(s).append("<closed>").toString();
            bytes.write(b.array(), 0, n);
        }
    }

    @Test
    void theSocketIsPrivateToTheUser() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("console.sock"))));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("console.sock"), files.map(p -> p.getFileName().toString()).toList(),
                    "the staging directory is gone");
        }
    }

    @Test
    void runsCommandsLineByLine() throws IOException {
        SocketChannel c = connect();
        send(c, "hearth:devices");
        String devices = untilPrompt(c);
        assertTrue(devices.startsWith("DEVICE") && devices.contains("kitchen") && devices.contains("online"), devices);
        assertTrue(devices.endsWith("\n"));
        send(c, "test:shout hello");
        assertEquals("HELLO\n", untilPrompt(c), "what a command prints reaches the client");
        send(c, "test:fail");
        assertEquals("error: it failed on purpose\n", untilPrompt(c));
        send(c, "no-such-command");
        assertTrue(untilPrompt(c).startsWith("error: "));
        send(c, "");
        assertEquals("", untilPrompt(c));
        send(c, "x".repeat(ConsoleSocketServer.MAX_LINE + 10));
        assertTrue(untilPrompt(c).startsWith("error: line longer than"));
        send(c, "hearth:tail");
        assertEquals("no readings yet\n", untilPrompt(c), "still serving after the long line");
        send(c, "exit");
        assertEquals("<closed>", untilPrompt(c));
    }

    @Test
    void aOneShotClientGetsTheOutputAndThenTheEnd() throws IOException {
        // What bin/hearth shell CMD does: one line, half-close, read to the end. Whether the server
        // sees the half-close before or after the command ran is a race, so a prompt may come before
        // the end; the client strips it (ShellClient.stripPrompt). What must hold: the output, at most
        // that one prompt, then the end of the stream, never a second command's worth of anything.
        SocketChannel c = connect();
        send(c, "hearth:devices");
        c.shutdownOutput();
        String out = oneShotAnswer(c);
        assertTrue(out.startsWith("DEVICE") && !out.contains(ConsoleSocketServer.PROMPT), out);
        SocketChannel d = connect();
        send(d, "test:fail");
        d.shutdownOutput();
        assertEquals("error: it failed on purpose\n", oneShotAnswer(d));
    }

    /** Everything until the server closes, without the one prompt it may send first; fails if it does not close. */
    static String oneShotAnswer(SocketChannel c) throws IOException {
        String first = untilPrompt(c);
        if (first.endsWith("<closed>")) return first.substring(0, first.length() - "<closed>".length());
        assertEquals("<closed>", untilPrompt(c), "after the prompt the server closes a half-closed connection");
        return first;
    }

    @Test
    void atMostFourConnections() throws IOException {
        List<SocketChannel> four = new ArrayList<>();
        for (int i = 0; i < ConsoleSocketServer.MAX_CONNECTIONS; i++) {
            SocketChannel c = connect();
            send(c, "");
            assertEquals("", untilPrompt(c), "served");
            four.add(c);
        }
        SocketChannel fifth = connect();
        String refused = untilPrompt(fifth);
        assertTrue(refused.startsWith("error: too many console connections") && refused.endsWith("<closed>"), refused);
        four.get(0).close();
        // the slot is freed when the server notices; try a few times
        String answer = "";
        for (int attempt = 0; attempt < 50 && !answer.equals("no readings yet\n"); attempt++) {
            SocketChannel c = connect();
            try {
                send(c, "hearth:tail");
                answer = untilPrompt(c);
            } catch (IOException refusedBeforeWeWrote) {
                answer = refusedBeforeWeWrote.toString();
            }
            if (!answer.equals("no readings yet\n")) sleep(20);
        }
        assertEquals("no readings yet\n", answer);
    }

    @Test
    void closingEndsConnectionsAndRemovesTheSocket() throws IOException {
        SocketChannel c = connect();
        send(c, "");
        untilPrompt(c);
        server.close();
        assertEquals("<closed>", untilPrompt(c));
        assertFalse(Files.exists(dir.resolve("console.sock")));
        server = new ConsoleSocketServer(processor, dir.resolve("console.sock")); // for stop()
    }

    @Test
    void aStaleSocketIsReplacedButALiveOneIsNot() throws IOException {
        // live: the running server
        assertThrows(IOException.class, () -> new ConsoleSocketServer(processor, dir.resolve("console.sock")));
        // stale: a socket file nobody listens on any more
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        ConsoleSocketServer second = new ConsoleSocketServer(processor, stale);
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(stale))) {
            send(c, "test:shout stale");
            assertEquals("STALE\n", untilPrompt(c));
        } finally {
            second.close();
        }
    }

    @Test
    void readLineHandlesCrLfAndEndOfInput() throws IOException {
        var in = new java.io.ByteArrayInputStream("one\r\ntwo\nthree".getBytes(StandardCharsets.UTF_8));
        assertEquals("one", ConsoleSocketServer.readLine(in));
        assertEquals("two", ConsoleSocketServer.readLine(in));
        assertEquals("three", ConsoleSocketServer.readLine(in));
        assertEquals(null, ConsoleSocketServer.readLine(in));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
