package dev.hearth.webconsole.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/**
 * Renders the page's HTML (inside the web console's frame) and its JSON; no OSGi, so it is tested
 * directly. Everything that comes from outside (device ids, messages, sink ids, errors) goes
 * through {@link Html#escape} or {@link Json}; the script builds its rows with textContent.
 */
final class PageRenderer {

    /** Most devices and sinks listed; a gateway with more is summarised by count. */
    static final int MAX_ROWS = 500;
    /** Longest message or error shown. */
    static final int MAX_TEXT = 300;

    private PageRenderer() {
    }

    /** The page body; {@code pluginRoot} is the console's URL of this page (e.g. /system/console/hearth). */
    static String html(String pluginRoot, GatewayStatus status, int pollMillis) {
        String root = Html.escape(pluginRoot);
        StringBuilder h = new StringBuilder(4096);
        h.append("<link rel=\"stylesheet\" href=\"").append(root).append("/res/hearth.css\">\n");
        h.append("<div id=\"hearth\" data-url=\"").append(root).append("/data.json\" data-poll=\"").append(pollMillis).append("\">\n");
        h.append("<p class=\"statline ui-state-highlight\" id=\"hearth-summary\">").append(Html.escape(summary(status))).append("</p>\n");
        h.append("<h2>Readings</h2>\n");
        h.append("<div class=\"hearth-chartbar\"><label for=\"hearth-series\">Series</label> ")
                .append("<select id=\"hearth-series\"><option value=\"\">All (small multiples, each on its own scale)</option></select> ")
                .append("<span id=\"hearth-chart-status\">waiting for readings</span></div>\n");
        h.append("<canvas id=\"hearth-chart\" width=\"960\" height=\"300\" data-points=\"0\" data-seq=\"0\">")
                .append("A live chart of recent readings.</canvas>\n");
        h.append("<ul id=\"hearth-legend\"></ul>\n");

        h.append("<h2>Devices</h2>\n<table class=\"nicetable\" id=\"hearth-devices\"><thead><tr>")
                .append("<th>Device</th><th>State</th><th>Since</th><th>Message</th><th>Readings</th><th>Errors</th><th>Last error</th>")
                .append("</tr></thead><tbody>\n");
        if (status != null) {
            List<DeviceInfo> devices = status.devices();
            for (DeviceInfo d : devices.subList(0, Math.min(MAX_ROWS, devices.size()))) {
                h.append("<tr data-device=\"").append(Html.escape(d.device())).append("\"><td>").append(Html.escape(d.device()))
                        .append("</td><td class=\"state state-").append(d.state() == null ? "unknown" : d.state().name().toLowerCase())
                        .append("\">").append(d.state() == null ? "unknown" : d.state().name())
                        .append("</td><td>").append(Html.escape(time(d.since())))
                        .append("</td><td>").append(Html.escape(clip(d.message())))
                        .append("</td><td>").append(d.readings())
                        .append("</td><td>").append(d.errors())
                        .append("</td><td>").append(Html.escape(clip(d.lastError()))).append("</td></tr>\n");
            }
        }
        h.append("</tbody></table>\n");

        h.append("<h2>Sinks</h2>\n<table class=\"nicetable\" id=\"hearth-sinks\"><thead><tr>")
                .append("<th>Sink</th><th>Registered</th><th>Backlog</th><th>Delivered</th><th>Retries</th><th>Dead letters</th>")
                .append("<th>Dropped</th><th>Last delivery</th><th>Last error</th></tr></thead><tbody>\n");
        if (status != null) {
            List<SinkStatus> sinks = status.sinks();
            for (SinkStatus s : sinks.subList(0, Math.min(MAX_ROWS, sinks.size()))) {
                h.append("<tr data-sink=\"").append(Html.escape(s.id())).append("\"><td>").append(Html.escape(s.id()))
                        .append("</td><td>").append(s.registered() ? "yes" : "no")
                        .append("</td><td>").append(s.backlog())
                        .append("</td><td>").append(s.delivered())
                        .append("</td><td>").append(s.retries())
                        .append("</td><td>").append(s.deadLetters())
                        .append("</td><td>").append(s.dropped())
                        .append("</td><td>").append(Html.escape(time(s.lastDelivery())))
                        .append("</td><td>").append(Html.escape(clip(s.lastError()))).append("</td></tr>\n");
            }
        }
        h.append("</tbody></table>\n</div>\n");
        h.append("<script src=\"").append(root).append("/res/hearth.js\"></script>\n");
        return h.toString();
    }

    /**
     * The JSON the page polls: status now, and the chart points after {@code since}. A point's
     * time {@code t} is in milliseconds relative to {@code now} (negative for the past).
     */
    static String json(GatewayStatus status, ReadingHistory.Slice slice, long windowMillis, long nowMillis) {
        Json j = new Json().beginObject();
        j.field("now", nowMillis).field("window", windowMillis).field("core", status != null);
        j.field("summary", summary(status));
        j.name("devices").beginArray();
        if (status != null) {
            List<DeviceInfo> devices = status.devices();
            for (DeviceInfo d : devices.subList(0, Math.min(MAX_ROWS, devices.size()))) {
                j.beginObject().field("device", d.device()).field("state", d.state() == null ? "UNKNOWN" : d.state().name())
                        .field("since", time(d.since())).field("message", clip(d.message()))
                        .field("readings", d.readings()).field("errors", d.errors()).field("lastError", clip(d.lastError()))
                        .endObject();
            }
        }
        j.endArray();
        j.name("sinks").beginArray();
        if (status != null) {
            List<SinkStatus> sinks = status.sinks();
            for (SinkStatus s : sinks.subList(0, Math.min(MAX_ROWS, sinks.size()))) {
                j.beginObject().field("id", s.id()).field("registered", s.registered()).field("backlog", s.backlog())
                        .field("delivered", s.delivered()).field("retries", s.retries()).field("deadLetters", s.deadLetters())
                        .field("dropped", s.dropped()).field("lastDelivery", time(s.lastDelivery()))
                        .field("lastError", clip(s.lastError())).endObject();
            }
        }
        j.endArray();
        j.name("chart").beginObject().field("epoch", slice.epoch()).field("last", slice.last()).field("reset", slice.reset());
        j.name("series").beginArray();
        for (ReadingHistory.Series s : slice.series()) {
            j.beginObject().field("name", s.name());
            j.name("t").beginArray();
            for (ReadingHistory.Point p : s.points()) j.value(p.time() - nowMillis); // relative: shorter
            j.endArray().name("v").beginArray();
            for (ReadingHistory.Point p : s.points()) j.value(p.value());
            j.endArray().endObject();
        }
        j.endArray().endObject();
        return j.endObject().toString();
    }

    static String summary(GatewayStatus status) {
        if (status == null) return "The Hearth core is not running.";
        JournalStatus js = status.journal();
        long devices = status.devices().size();
        long sinks = status.sinks().size();
        return devices + (devices == 1 ? " device, " : " devices, ") + sinks + (sinks == 1 ? " sink; " : " sinks; ")
                + "journal: " + js.readings() + " held, " + js.accepted() + " accepted, " + js.dropped() + " dropped, "
                + js.bytes() / 1024 + " of " + js.maxBytes() / 1024 + " KiB; up since " + time(status.startedAt());
    }

    /** UTC to the second: enough for a status page, and short. */
    private static String time(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String clip(String s) {
        if (s == null) return "";
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "\u2026";
    }
}
