package dev.hearth.console.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console socket behind {@code bin/hearth shell}: a Unix domain socket at
 * {@code ${hearth.data}/console.sock}, readable and writable by the gateway's user only (0600), where
 * each connection gets its own Gogo session.
 *
 * <p>Protocol, UTF-8 text. The client sends one command per line ({@code \n}-terminated, at most
 * {@value #MAX_LINE} bytes). The server runs it with {@link CommandSession#execute} and writes what
 * the command printed and its result ({@link CommandSession#format}, always ending in a newline), or
 * {@code error: <message>}. Then, if the client has already shut down its sending side (a one-shot
 * client such as {@code bin/hearth shell CMD}: send a line, half-close, read to the end), the
 * server closes the connection; otherwise it writes the prompt {@value #PROMPT} (no newline) and
 * waits for the next line, so an interactive client knows a command is done when the output ends
 * with {@code "hearth> "}. {@code exit}, {@code quit} or end of input closes the connection. The
 * server sends nothing before the first line.
 *
 * <p>One acceptor thread, one thread per connection, at most {@value #MAX_CONNECTIONS} connections
 * (a fifth is told so and closed). Without a {@link CommandProcessor} service (no Gogo runtime) the
 * component is simply not active.
 */
@Component(service = {}, immediate = true)
public final class ConsoleSocketServer {

    static final String SOCKET_NAME = "console.sock";
    static final String PROMPT = "hearth> ";
    static final int MAX_CONNECTIONS = 4;
    static final int MAX_LINE = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSocketServer.class);

    private final CommandProcessor processor;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean open = true;

    @Activate
    public ConsoleSocketServer(@Reference(name = "processor") CommandProcessor processor, BundleContext context)
            throws IOException {
        this(processor, dataDirectory(context.getProperty("hearth.data")).resolve(SOCKET_NAME));
    }

    ConsoleSocketServer(CommandProcessor processor, Path socket) throws IOException {
        this.processor = processor;
        this.socket = socket.toAbsolutePath();
        this.server = bindPrivately(this.socket);
        this.acceptor = new Thread(this::accept, "hearth-console-acceptor");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
        LOG.info("console listening on {}", this.socket);
    }

    static Path dataDirectory(String property) {
        return Path.of(property == null || property.isBlank() ? "./data" : property);
    }

    Path socket() {
        return socket;
    }

    @Deactivate
    void close() {
        open = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the console socket: {}", e.toString());
        }
        for (SocketChannel c : clients) closeQuietly(c);
        join(acceptor);
        for (Thread t : List.copyOf(workers)) join(t);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", socket, e.toString());
        }
    }

    /**
     * Binds in a fresh 0700 directory, makes the socket 0600 there, and only then renames it to its
     * public name: Java binds and listens in one call, so this is how no one else can ever connect
     * to it, not even for a moment.
     */
    private static ServerSocketChannel bindPrivately(Path socket) throws IOException {
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (isLive(socket)) throw new IOException("another process already serves a console on " + socket);
            LOG.info("replacing stale console socket {}", socket);
        }
        Path privateDir = Files.createTempDirectory(dir, ".console-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staged = privateDir.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(staged), MAX_CONNECTIONS * 2);
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            Files.move(staged, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(staged);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
    }

    private static boolean isLive(Path socket) {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void accept() {
        while (open) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return; // close() ended us
            } catch (IOException e) {
                if (open) LOG.warn("console accept failed: {}", e.toString());
                return;
            }
            if (!slots.tryAcquire()) {
                refuse(client);
                continue;
            }
            clients.add(client);
            Thread t = new Thread(() -> serve(client), "hearth-console-" + connections.incrementAndGet());
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private static void refuse(SocketChannel client) {
        try (client; OutputStream out = Channels.newOutputStream(client)) {
            out.write(("error: too many console connections (at most " + MAX_CONNECTIONS + ")\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("refusing a console connection: {}", e.toString());
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            ClientInput in = new ClientInput(client);
            PrintStream out = new PrintStream(Channels.newOutputStream(client), false, StandardCharsets.UTF_8);
            CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
            try {
                while (open) {
                    String line = readLine(in);
                    if (line == null) break;
                    if (line == LINE_TOO_LONG) { // identity: only readLine returns this instance
                        out.print("error: line longer than " + MAX_LINE + " bytes, ignored\n");
                    } else {
                        String command = line.strip();
                        if (command.equals("exit") || command.equals("quit")) break;
                        if (!command.isEmpty()) execute(session, command, out);
                    }
                    out.flush();
                    // a one-shot client (bin/hearth shell CMD) has closed its side already: it wants the output only
                    if (in.endedAlready()) break;
                    out.print(PROMPT);
                    out.flush();
                    if (out.checkError()) break; // the client went away
                }
            } finally {
                session.close();
            }
        } catch (IOException e) {
            if (open) LOG.debug("console connection ended: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("console connection failed", e);
        } finally {
            clients.remove(client);
            workers.remove(Thread.currentThread());
            slots.release();
        }
    }

    /** The client's bytes, buffered, with a look that tells without waiting whether the client closed its side. */
    static final class ClientInput extends InputStream {
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(8192).flip(); // empty, ready to be read from
        private boolean ended;

        ClientInput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            if (!buffer.hasRemaining() && !fill(true)) return -1;
            return buffer.get() & 0xff;
        }

        /** Whether the client has shut down its sending side and nothing is left to read; never blocks. */
        boolean endedAlready() throws IOException {
            if (buffer.hasRemaining()) return false;
            fill(false);
            return ended && !buffer.hasRemaining();
        }

        private boolean fill(boolean block) throws IOException {
            if (ended) return false;
            buffer.clear();
            int n;
            if (block) {
                n = channel.read(buffer);
            } else {
                channel.configureBlocking(false);
                try {
                    n = channel.read(buffer);
                } finally {
                    channel.configureBlocking(true);
                }
            }
            buffer.flip();
            if (n < 0) ended = true;
            return n > 0;
        }
    }

    private static void execute(CommandSession session, String command, PrintStream out) {
        try {
            Object result = session.execute(command);
            out.flush();
            if (result != null) {
                CharSequence text = session.format(result, Converter.INSPECT);
                if (text != null && text.length() > 0) {
                    out.print(text);
                    if (text.charAt(text.length() - 1) != '\n') out.print('\n');
                }
            }
        } catch (Exception e) {
            String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
            out.print("error: " + message + (message.endsWith("\n") ? "" : "\n"));
        }
    }

    /** What {@link #readLine} returns for an over-long line; compared by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    static final String LINE_TOO_LONG = new String("line too long");

    /**
     * One line without its terminator, or {@code null} at end of input. A line longer than
     * {@link #MAX_LINE} is read to its end and comes back as {@link #LINE_TOO_LONG}.
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        boolean tooLong = false;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') break;
            if (line.size() < MAX_LINE) line.write(b);
            else tooLong = true;
        }
        if (b == -1 && line.size() == 0) return null;
        if (tooLong) return LINE_TOO_LONG;
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing a console connection: {}", e.toString());
        }
    }

    private static void join(Thread t) {
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
