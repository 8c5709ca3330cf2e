package dev.hearth.sink.prometheus.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Answers a scrape: the gateway's own metrics, then every series of the registry. */
final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Supplier<String> body;

    MetricsServlet(Supplier<String> body) {
        this.body = body;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(PrometheusText.CONTENT_TYPE);
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }

    /** The whole exposition: self-metrics first, then the readings' families. */
    static String render(List<MetricFamily> self, List<MetricFamily> readings) {
        List<MetricFamily> all = new ArrayList<>(self.size() + readings.size());
        all.addAll(self);
        all.addAll(readings);
        return PrometheusText.write(all);
    }
}
