package dev.hearth.sink.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards TCP from a local port to the broker, and can cut every connection without an MQTT
 * DISCONNECT: what the broker sees when a gateway loses power or its network, so it sends the
 * last will.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    TcpProxy(int targetPort) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket broker = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    sockets.add(client);
                    sockets.add(broker);
                    pump(client, broker);
                    pump(broker, client);
                } catch (IOException e) {
                    // closed, or the broker is down: the client sees its connection end
                }
            }
        }, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every forwarded connection at once; new ones are still accepted. */
    void cutAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // RST: no orderly shutdown, like a pulled cable seen from the broker
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
        sockets.clear();
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0;) out.write(buffer, 0, n);
            } catch (IOException e) {
                // one side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // nothing more to do
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
