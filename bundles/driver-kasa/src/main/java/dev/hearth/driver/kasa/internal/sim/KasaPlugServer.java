package dev.hearth.driver.kasa.internal.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.driver.kasa.internal.KasaCodec;

/**
 * Serves a {@link SimulatedPlug} on TCP with the real framing and cipher, one request per
 * connection as the plugs do, so the driver runs its real decoding and reconnect code against it.
 *
 * <p>It owns one daemon thread: a server has to wait in {@code accept()}, and the shared
 * scheduler is for short, bounded tasks. Connections are served one at a time, like a plug.
 */
public final class KasaPlugServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KasaPlugServer.class);
    /** A client that connects and says nothing is dropped after this long. */
    private static final int CLIENT_TIMEOUT_MS = 2000;

    private final SimulatedPlug plug;
    private final ServerSocket server;
    private final Thread thread;
    private volatile boolean closed;

    public KasaPlugServer(SimulatedPlug plug, String address, int port) throws IOException {
        this.plug = plug;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 16);
        this.thread = new Thread(this::serve, "kasa-simulator-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!closed) {
            try (Socket client = server.accept()) {
                client.setSoTimeout(CLIENT_TIMEOUT_MS);
                InputStream in = client.getInputStream();
                String request = KasaCodec.readFrame(in);
                OutputStream out = client.getOutputStream();
                out.write(KasaCodec.frame(plug.answer(request)));
                out.flush();
            } catch (SocketException e) {
                if (closed) return;
                LOG.debug("kasa simulator: {}", e.toString());
            } catch (IOException | RuntimeException e) {
                // a client's bad request ends its connection, never the simulator
                LOG.debug("kasa simulator: dropped a request: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
