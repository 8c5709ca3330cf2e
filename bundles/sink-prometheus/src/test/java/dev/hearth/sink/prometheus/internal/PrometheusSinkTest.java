package dev.hearth.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

/** The component without a framework: a proxy BundleContext catches the servlet registration. */
class PrometheusSinkTest {

    private Object servlet;
    private Dictionary<?, ?> servletProps;
    private boolean unregistered;

    private BundleContext context() {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                    if (m.getName().equals("unregister")) unregistered = true;
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> {
                    if (m.getName().equals("registerService")) {
                        servlet = a[1];
                        servletProps = (Dictionary<?, ?>) a[2];
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void servesReadingsAndSelfMetricsAtTheConfiguredPath() throws Exception {
        PrometheusSink sink = new PrometheusSink(config("", "node", "/node/pi/metrics", 10), context());
        assertEquals("/node/pi/metrics", servletProps.get("osgi.http.whiteboard.servlet.pattern"));

        assertEquals(Outcome.all(Outcome.DELIVERED, 1),
                sink.deliver(List.of(Reading.of("pi", "cpu").field("usage", 7.5).build())));
        Map<String, Object> headers = new HashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ((MetricsServlet) servlet).doGet(null, response(headers, body));
        String text = body.toString(StandardCharsets.UTF_8);
        assertEquals(PrometheusText.CONTENT_TYPE, headers.get("setContentType"));
        assertEquals(200, headers.get("setStatus"));
        assertTrue(text.startsWith("# HELP hearth_up "), text);
        assertTrue(text.contains("\ncpu_usage{node=\"pi\"} 7.5\n"), text);

        sink.deactivate();
        assertTrue(unregistered);
    }

    @Test
    void refusesAConfigurationItCannotServe() {
        assertThrows(IllegalArgumentException.class, () -> new PrometheusSink(config("", "device", "metrics", 10), context()));
        assertThrows(IllegalArgumentException.class, () -> new PrometheusSink(config("my-prefix", "device", "/m", 10), context()));
        assertThrows(IllegalArgumentException.class, () -> new PrometheusSink(config("", "no de", "/m", 10), context()));
        assertThrows(IllegalArgumentException.class, () -> new PrometheusSink(config("", "device", "/m", 0), context()));
    }

    private static HttpServletResponse response(Map<String, Object> headers, ByteArrayOutputStream body) {
        ServletOutputStream out = new ServletOutputStream() {
            @Override public boolean isReady() { return true; }
            @Override public void setWriteListener(WriteListener listener) { }
            @Override public void write(int b) { body.write(b); }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(PrometheusSinkTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    if (m.getName().equals("getOutputStream")) return out;
                    if (a != null && a.length == 1) headers.put(m.getName(), a[0]);
                    return null;
                });
    }

    private static PrometheusSinkConfig config(String prefix, String label, String path, int maxSeries) {
        return new PrometheusSinkConfig() {
            @Override public Class<? extends Annotation> annotationType() { return PrometheusSinkConfig.class; }
            @Override public String prefix() { return prefix; }
            @Override public String device__label() { return label; }
            @Override public int stale__seconds() { return 300; }
            @Override public int max__series() { return maxSeries; }
            @Override public String path() { return path; }
        };
    }
}
