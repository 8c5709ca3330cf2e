package dev.hearth.driver.kasa.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;

/**
 * Asks whether a host speaks KLAP, the protocol of newer Kasa firmware, by sending the first
 * handshake ({@code POST /app/handshake1} with a 16-byte client seed). A KLAP device answers 200
 * with its 16-byte seed and a 32-byte hash (48 bytes) and sets a {@code TP_SESSIONID} cookie.
 * Nothing more of KLAP is spoken: this is for saying clearly why a plug cannot be read.
 *
 * <p>Plain HTTP/1.0-style over a socket rather than {@code HttpURLConnection}: one bounded
 * exchange, no keep-alive cache and no timer thread left behind.
 */
public final class KlapProbe {

    public static final int DEFAULT_PORT = 80;
    /** A handshake answer is 48 bytes; anything long is not one. */
    private static final int MAX_ANSWER = 8 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KlapProbe() {
    }

    /** Whether {@code host:port} answers {@code /app/handshake1} as a KLAP device would; false on any failure. */
    public static boolean answersHandshake1(String host, int port, Duration timeout) {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        byte[] seed = new byte[16];
        RANDOM.nextBytes(seed);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), ms);
            long deadline = System.nanoTime() + ms * 1_000_000L;
            OutputStream out = socket.getOutputStream();
            String head = "POST /app/handshake1 HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 16\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(seed);
            out.flush();
            String answer = readAnswer(socket, deadline);
            return isHandshake1Answer(answer);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** 200, and a session cookie or a body of 48 bytes. */
    static boolean isHandshake1Answer(String answer) {
        int headEnd = answer.indexOf("\r\n\r\n");
        if (headEnd < 0) return false;
        String head = answer.substring(0, headEnd).toLowerCase(Locale.ROOT);
        if (!head.matches("(?s)http/1\\.[01] 200 .*|(?s)http/1\\.[01] 200")) return false;
        int bodyLength = answer.length() - headEnd - 4;
        return head.contains("tp_sessionid") || bodyLength == 48;
    }

    private static String readAnswer(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (answer.size() < MAX_ANSWER) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) break;
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                break;
            }
            if (n < 0) break;
            answer.write(buffer, 0, n);
        }
        // ISO-8859-1 keeps one char per byte, so the body length stays a byte count
        return answer.toString(StandardCharsets.ISO_8859_1);
    }
}
