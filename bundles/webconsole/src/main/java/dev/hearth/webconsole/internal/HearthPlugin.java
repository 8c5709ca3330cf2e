package dev.hearth.webconsole.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.GatewayStatus;

/**
 * The Hearth page of the Felix Web Console, and the sink that feeds its chart.
 *
 * <p>A web console 5 plugin is a {@link Servlet} service with a label; the console checks the
 * login, then calls {@link #service}. A GET that sets no content type (the page itself) is framed
 * by the console, which then calls {@link #renderContent}; {@code data.json} sets one and is
 * answered here as is. {@code res/*} is served by {@link AbstractServlet} from the bundle.
 *
 * <p>The chart is fed by a sink rather than {@link GatewayStatus#recent}: the core's recent list is
 * a few hundred readings across all devices (a busy driver flushes it in a second), while the
 * sink keeps a bounded window per series and numbers its points so polls never miss or repeat one.
 * It accepts every batch at once; its cursor therefore never holds the journal back.
 */
@Component(service = { Servlet.class, ReadingSink.class }, configurationPid = HearthPlugin.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = { ServletConstants.PLUGIN_LABEL + "=" + HearthPlugin.LABEL, ServletConstants.PLUGIN_TITLE + "=Hearth",
                ServletConstants.PLUGIN_CATEGORY + "=Hearth", ReadingSink.ID + "=webconsole" })
@Designate(ocd = WebConsolePageConfig.class)
public final class HearthPlugin extends AbstractServlet implements ReadingSink {

    static final String PID = "dev.hearth.webconsole";
    static final String LABEL = "hearth";
    private static final long serialVersionUID = 1L;

    /** Optional and dynamic: the page says so when the core is not there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile GatewayStatus status;

    private final transient ReadingHistory history;
    private final long windowMillis;
    private final int pollMillis;
    private final transient Clock clock = Clock.systemUTC();

    @Activate
    public HearthPlugin(WebConsolePageConfig config) {
        this.windowMillis = Duration.ofMinutes(config.window__minutes()).toMillis();
        this.pollMillis = config.poll__ms();
        this.history = new ReadingHistory(config.max__series(), config.max__series__per__device(), config.max__points(), Duration.ofMillis(windowMillis), clock);
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) {
        List<Outcome> out = new ArrayList<>(batch.size());
        for (Reading r : batch) {
            history.add(r);
            out.add(Outcome.DELIVERED);
        }
        return out;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (path.endsWith("/data.json")) {
            long since = parseSince(req.getParameter("since"));
            byte[] body = PageRenderer.json(status, history.since(req.getParameter("epoch"), since), windowMillis, clock.millis()).getBytes(StandardCharsets.UTF_8);
            setNoCache(resp);
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
            return;
        }
        super.doGet(req, resp); // res/*; anything else falls through to the framed page
    }

    @Override
    public void renderContent(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object root = req.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        String pluginRoot = root == null ? req.getContextPath() + req.getServletPath() + "/" + LABEL : root.toString();
        resp.getWriter().print(PageRenderer.html(pluginRoot, status, pollMillis));
    }

    /** A missing or malformed {@code since} means "everything"; it is never an error. */
    static long parseSince(String s) {
        if (s == null || s.isEmpty() || s.length() > 19) return 0;
        try {
            return Math.max(0, Long.parseLong(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
