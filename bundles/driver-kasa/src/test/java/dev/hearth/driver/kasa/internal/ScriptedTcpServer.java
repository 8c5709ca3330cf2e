package dev.hearth.driver.kasa.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A misbehaving plug on 127.0.0.1: answers each connection with the next scripted reply (raw
 * bytes, so anything a broken or hostile peer might send), or says nothing and keeps the
 * connection open ({@link #SILENT}). When the script runs out it answers with {@code fallback}.
 */
final class ScriptedTcpServer implements AutoCloseable {

    static final byte[] SILENT = new byte[0];

    private final ServerSocket server;
    private final BlockingQueue<byte[]> script = new LinkedBlockingQueue<>();
    private final UnaryOperator<String> fallback;
    private final List<Socket> held = new ArrayList<>();
    private final Thread thread;
    final AtomicInteger connections = new AtomicInteger();

    ScriptedTcpServer(UnaryOperator<String> fallback) throws IOException {
        this.fallback = fallback;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-plug");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    ScriptedTcpServer then(byte[] reply) {
        script.add(reply);
        return this;
    }

    private void serve() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            try {
                client.setSoTimeout(2000);
                InputStream in = client.getInputStream();
                String request = KasaCodec.readFrame(in);
                byte[] reply = script.poll();
                if (reply == SILENT) {
                    synchronized (held) {
                        held.add(client); // never answered, closed with the server
                    }
                    continue;
                }
                if (reply == null) reply = fallback == null ? new byte[0] : KasaCodec.frame(fallback.apply(request));
                client.getOutputStream().write(reply);
                client.close();
            } catch (IOException e) {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (held) {
            for (Socket s : held) s.close();
        }
    }
}
