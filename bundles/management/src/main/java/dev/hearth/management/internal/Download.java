package dev.hearth.management.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Fetches an OTA artifact over http(s) into a file, bounded: at most {@code maxBytes} (by the
 * announced length and while reading), connect and read timeouts, at most {@code maxRedirects}
 * redirects followed by hand (so that each hop is checked: never from https to http, and http only
 * when allowed), https verified by the JDK's default trust store and host name check. No OSGi.
 */
final class Download {

    private final long maxBytes;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRedirects;
    private final boolean allowHttp;

    Download(long maxBytes, Duration connectTimeout, Duration readTimeout, int maxRedirects, boolean allowHttp) {
        this.maxBytes = maxBytes;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxRedirects = maxRedirects;
        this.allowHttp = allowHttp;
    }

    /** Writes the artifact at {@code url} to {@code target}; on any failure {@code target} is removed and the reason thrown. */
    void fetch(String url, Path target) throws IOException {
        try {
            fetch0(url, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private void fetch0(String url, Path target) throws IOException {
        URI current = URI.create(url);
        boolean secure = false;
        for (int hop = 0;; hop++) {
            String scheme = current.getScheme() == null ? "" : current.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("https")) {
                secure = true;
            } else if (scheme.equals("http")) {
                if (secure) throw new IOException("redirected from https to http (" + current.getHost() + "): refused");
                if (!allowHttp) throw new IOException("http:// is not allowed (ota_allow_http=false): use https");
            } else {
                throw new IOException("not an http(s) URL: " + scheme);
            }
            if (current.getRawUserInfo() != null) throw new IOException("the URL carries credentials: refused");
            URL u = current.toURL();
            HttpURLConnection c = (HttpURLConnection) u.openConnection();
            // the JDK's default SSLSocketFactory and HostnameVerifier stay in place: verified https
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setUseCaches(false);
            c.setRequestProperty("Accept-Encoding", "identity");
            try {
                int status = c.getResponseCode();
                if (status >= 300 && status < 400 && status != 304) {
                    String location = c.getHeaderField("Location");
                    if (location == null) throw new IOException("HTTP " + status + " without a Location");
                    if (hop >= maxRedirects) throw new IOException("more than " + maxRedirects + " redirects");
                    try {
                        current = current.resolve(new URI(location));
                    } catch (java.net.URISyntaxException e) {
                        throw new IOException("bad redirect Location: " + e.getMessage());
                    }
                    continue;
                }
                if (status != 200) throw new IOException("HTTP " + status + " from " + current.getHost());
                long announced = c.getContentLengthLong();
                if (announced > maxBytes) throw new IOException("the artifact has " + announced + " bytes, more than the limit of " + maxBytes);
                try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
                    byte[] buffer = new byte[16 * 1024];
                    long total = 0;
                    for (int n; (n = in.read(buffer)) > 0;) {
                        total += n;
                        if (total > maxBytes) throw new IOException("the artifact is larger than the limit of " + maxBytes + " bytes");
                        out.write(buffer, 0, n);
                    }
                    if (announced >= 0 && total != announced) throw new IOException("truncated: " + total + " of " + announced + " bytes");
                    if (total == 0) throw new IOException("the artifact is empty");
                }
                return;
            } finally {
                c.disconnect();
            }
        }
    }
}
