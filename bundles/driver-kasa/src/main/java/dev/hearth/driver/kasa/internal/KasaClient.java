package dev.hearth.driver.kasa.internal;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.google.gson.JsonObject;

/**
 * Talks to one plug over the legacy protocol, blocking, with bounded waits and no threads.
 *
 * <p>Each request opens its own connection: the plugs answer one request and close, and a
 * connection kept open is what makes some firmware stop answering.
 */
public final class KasaClient {

    public static final int DEFAULT_PORT = 9999;

    private final String host;
    private final int port;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    public KasaClient(String host, int port, Duration connectTimeout, Duration readTimeout) {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        this.host = host.trim();
        this.port = port;
        this.connectTimeoutMillis = positiveMillis("connect timeout", connectTimeout);
        this.readTimeoutMillis = positiveMillis("read timeout", readTimeout);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /**
     * Sends one request and returns the deciphered reply. Waits at most the connect timeout for
     * the connection and the read timeout for the whole reply (not per byte, so a peer that
     * trickles cannot hold the caller).
     */
    public String request(String json) throws IOException {
        String where = host + ":" + port;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            } catch (ConnectException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.REFUSED,
                        "connection to " + where + " refused (nothing listens on the port)", e);
            } catch (SocketTimeoutException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.CONNECT_TIMEOUT,
                        "no connection to " + where + " within " + connectTimeoutMillis + " ms", e);
            } catch (UnknownHostException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.NETWORK, "unknown host " + host, e);
            } catch (NoRouteToHostException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.NETWORK, "no route to " + where, e);
            }
            socket.setTcpNoDelay(true);
            long deadline = System.nanoTime() + readTimeoutMillis * 1_000_000L;
            try {
                // one write: the simulator (and, reportedly, some firmware) parses each TCP segment as a whole message
                socket.getOutputStream().write(KasaCodec.frame(json));
                socket.getOutputStream().flush();
                return KasaCodec.readFrame(new DeadlineInputStream(socket, deadline));
            } catch (SocketTimeoutException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.NO_REPLY,
                        "no reply from " + where + " within " + readTimeoutMillis + " ms", e);
            } catch (EOFException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.CLOSED_WITHOUT_REPLY,
                        where + " closed the connection without replying", e);
            } catch (MalformedReplyException e) {
                throw e;
            } catch (IOException e) {
                throw new PlugUnreachableException(PlugUnreachableException.Reason.NETWORK,
                        "connection to " + where + " failed: " + e.getMessage(), e);
            }
        }
    }

    public KasaSysinfo sysinfo() throws IOException {
        return KasaCodec.sysinfo(KasaCodec.parse(request(KasaCodec.GET_SYSINFO)));
    }

    /**
     * Sysinfo and, where the plug meters, the realtime meter. A single plug answers both in one
     * request; a power strip is asked once more per outlet that {@code outletIds} picks from its sysinfo, since a context
     * addresses the whole request and the meter answers only for its first child.
     */
    public PlugSample sample(Function<KasaSysinfo, Collection<String>> outletIds) throws IOException {
        JsonObject reply = KasaCodec.parse(request(KasaCodec.GET_SYSINFO_AND_REALTIME));
        KasaSysinfo info = KasaCodec.sysinfo(reply);
        if (!info.outlets().isEmpty()) {
            Map<String, EmeterRealtime> meters = new LinkedHashMap<>();
            if (info.hasEnergyMeter()) {
                for (String id : outletIds.apply(info)) meters.put(id, realtime(id));
            }
            return new PlugSample(info, null, meters);
        }
        EmeterRealtime meter = null;
        if (info.hasEnergyMeter()) meter = KasaCodec.realtime(reply);
        return new PlugSample(info, meter, Map.of());
    }

    /** The realtime meter of the plug, or of one outlet of a power strip. */
    public EmeterRealtime realtime(String childId) throws IOException {
        return KasaCodec.realtime(KasaCodec.parse(request(KasaCodec.getRealtime(childId))));
    }

    /** Switches the relay: of the plug when {@code childIds} is empty, else of those outlets. */
    public void setRelay(boolean on, Collection<String> childIds) throws IOException {
        KasaCodec.checkAnswered(KasaCodec.parse(request(KasaCodec.setRelay(on, childIds))), "system", "set_relay_state");
    }

    /**
     * What one poll read.
     *
     * @param sysinfo the plug's sysinfo
     * @param meter the plug's meter, or {@code null} (no meter, or a power strip)
     * @param outletMeters a power strip's meters by child id, in the order asked
     */
    public record PlugSample(KasaSysinfo sysinfo, EmeterRealtime meter, Map<String, EmeterRealtime> outletMeters) {
    }

    /** A plug that answered discovery. */
    public record DiscoveredPlug(String address, KasaSysinfo sysinfo) {
    }

    /**
     * Sends the sysinfo request to {@code target} (the broadcast address 255.255.255.255:9999 on a
     * LAN, or one address) and collects the answers that arrive within {@code window}. Replies
     * that do not decode are skipped and returned in {@code rejects}, if given. Newer firmware
     * that only answers on UDP 20002 (KLAP) is not found this way.
     */
    public static List<DiscoveredPlug> discover(InetSocketAddress target, Duration window, List<String> rejects) throws IOException {
        List<DiscoveredPlug> found = new ArrayList<>();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setBroadcast(true);
            byte[] request = KasaCodec.datagram(KasaCodec.GET_SYSINFO);
            socket.send(new DatagramPacket(request, request.length, target));
            long end = System.nanoTime() + window.toNanos();
            byte[] buffer = new byte[KasaCodec.MAX_REPLY_BYTES];
            while (true) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) break;
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                String from = packet.getAddress().getHostAddress();
                try {
                    String json = new String(KasaCodec.decrypt(packet.getData(), packet.getOffset(), packet.getLength()),
                            StandardCharsets.UTF_8);
                    found.add(new DiscoveredPlug(from, KasaCodec.sysinfo(KasaCodec.parse(json))));
                } catch (IOException e) {
                    if (rejects != null) rejects.add(from + ": " + e.getMessage());
                }
            }
        }
        return found;
    }

    private static int positiveMillis(String what, Duration d) {
        long ms = d.toMillis();
        if (ms < 1 || ms > Integer.MAX_VALUE) throw new IllegalArgumentException(what + " " + d + " is not a positive number of ms");
        return (int) ms;
    }

    /** Shrinks the socket's read timeout to what is left until the deadline before every read. */
    private static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final long deadline;

        DeadlineInputStream(Socket socket, long deadline) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) throw new SocketTimeoutException("deadline passed");
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            return super.read(b, off, len);
        }
    }
}
