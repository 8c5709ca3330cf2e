package dev.hearth.driver.kasa.internal.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A Kasa plug's answers to the legacy protocol's JSON, with loads that change plausibly over
 * time: an HS110 hardware 1.0 (meter in W/V/A/kWh), hardware 2.0 (mW/mV/mA/Wh) or an HS300
 * strip with six outlets. No I/O; {@link KasaPlugServer} puts it on a socket.
 */
public final class SimulatedPlug {

    public enum Model { HS110V1, HS110V2, HS300 }

    /** What an outlet draws over time while switched on, in W. */
    interface Load {
        double watts(double seconds);
    }

    private final Model model;
    private final String alias;
    private final String deviceId;
    private final LongSupplier nanoTime;
    private final List<Outlet> outlets = new ArrayList<>();

    private static final class Outlet {
        final String id;
        final String alias;
        final Load load;
        boolean on = true;
        double energyWh;
        double lastWatts;

        Outlet(String id, String alias, Load load) {
            this.id = id;
            this.alias = alias;
            this.load = load;
        }
    }

    private final long start;
    private long lastUpdate;

    public SimulatedPlug(Model model, String alias, LongSupplier nanoTime) {
        this.model = model;
        this.alias = alias;
        this.nanoTime = nanoTime;
        this.deviceId = String.format("8006%036X", Math.abs((long) alias.hashCode()) * 31 + model.ordinal());
        this.start = nanoTime.getAsLong();
        this.lastUpdate = start;
        if (model == Model.HS300) {
            outlets.add(new Outlet(deviceId + "00", "Desk lamp", s -> 9.1));
            outlets.add(new Outlet(deviceId + "01", "Computer", s -> 65 + 25 * Math.sin(s / 47.0) + 10 * Math.sin(s / 7.3)));
            outlets.add(new Outlet(deviceId + "02", "Monitor", s -> 21 + 0.5 * Math.sin(s / 3.1)));
            outlets.add(new Outlet(deviceId + "03", "Phone charger", s -> Math.max(0.3, 18 * Math.exp(-s / 1800.0))));
            outlets.add(new Outlet(deviceId + "04", "Soldering iron", SimulatedPlug::thermostat));
            outlets.add(new Outlet(deviceId + "05", "", s -> 0.0));
        } else {
            outlets.add(new Outlet(deviceId, alias, SimulatedPlug::fridge));
        }
    }

    /** A fridge: the compressor runs about 8 of every 20 minutes, with a start-up surge, and idles at 2 W. */
    static double fridge(double seconds) {
        double inCycle = seconds % 1200;
        if (inCycle < 480) return (inCycle < 3 ? 310 : 92) + 3 * Math.sin(seconds / 5.0);
        return 2.1;
    }

    /** A soldering station holding its temperature: full power in short bursts. */
    static double thermostat(double seconds) {
        return seconds % 20 < 4 ? 48 : 1.2;
    }

    public Model model() {
        return model;
    }

    /** Answers one deciphered request; every module and method it does not know is answered as the firmware does. */
    public synchronized String answer(String requestJson) {
        advance();
        JsonObject request;
        try {
            request = JsonParser.parseString(requestJson).getAsJsonObject();
        } catch (RuntimeException e) {
            return error(-1, "json format error").toString(); // what the firmware says to bad JSON
        }
        List<Outlet> context = null;
        JsonObject reply = new JsonObject();
        if (request.get("context") instanceof JsonObject ctx && ctx.get("child_ids") instanceof JsonArray ids) {
            context = new ArrayList<>();
            for (JsonElement id : ids) {
                String wanted = id.getAsString();
                outlets.stream().filter(o -> o.id.equals(wanted) || o.id.endsWith(wanted) && wanted.length() == 2).forEach(context::add);
            }
        }
        for (Map.Entry<String, JsonElement> module : request.entrySet()) {
            if (module.getKey().equals("context")) continue;
            JsonObject methods = new JsonObject();
            if (!(module.getValue() instanceof JsonObject calls)) {
                reply.add(module.getKey(), error(-1, "module not support"));
                continue;
            }
            for (Map.Entry<String, JsonElement> call : calls.entrySet()) {
                methods.add(call.getKey(), call(module.getKey(), call.getKey(), call.getValue(), context));
            }
            reply.add(module.getKey(), methods);
        }
        return reply.toString();
    }

    private JsonObject call(String module, String method, JsonElement args, List<Outlet> context) {
        if (context != null && context.isEmpty()) return error(-14, "entry not exist");
        List<Outlet> targets = context != null ? context : outlets;
        switch (module + "." + method) {
            case "system.get_sysinfo":
                return sysinfo();
            case "system.set_relay_state": {
                if (!(args instanceof JsonObject a) || !a.has("state")) return error(-3, "invalid argument");
                boolean on = a.get("state").getAsInt() == 1;
                targets.forEach(o -> o.on = on);
                return error(0, null);
            }
            case "emeter.get_realtime":
                return realtime(targets.get(0));
            default:
                return module.equals("system") || module.equals("emeter") ? error(-2, "member not support") : error(-1, "module not support");
        }
    }

    private JsonObject sysinfo() {
        JsonObject s = new JsonObject();
        s.addProperty("sw_ver", model == Model.HS110V1 ? "1.2.5 Build 171213 Rel.101523" : "1.0.6 Build 180627 Rel.081000");
        s.addProperty("hw_ver", model == Model.HS110V2 ? "2.0" : "1.0");
        s.addProperty("model", model == Model.HS300 ? "HS300(EU)" : "HS110(EU)");
        s.addProperty(model == Model.HS300 ? "mic_type" : "type", "IOT.SMARTPLUGSWITCH");
        s.addProperty("alias", alias);
        s.addProperty("deviceId", deviceId);
        s.addProperty("mac", "50:C7:BF:5E:" + deviceId.substring(deviceId.length() - 4, deviceId.length() - 2) + ":"
                + deviceId.substring(deviceId.length() - 2));
        s.addProperty("feature", "TIM:ENE");
        s.addProperty("rssi", -58);
        s.addProperty("led_off", 0);
        if (model == Model.HS300) {
            JsonArray children = new JsonArray();
            for (Outlet o : outlets) {
                JsonObject c = new JsonObject();
                c.addProperty("id", o.id);
                c.addProperty("state", o.on ? 1 : 0);
                c.addProperty("alias", o.alias);
                children.add(c);
            }
            s.addProperty("child_num", outlets.size());
            s.add("children", children);
        } else {
            s.addProperty("relay_state", outlets.get(0).on ? 1 : 0);
        }
        s.addProperty("err_code", 0);
        return s;
    }

    private JsonObject realtime(Outlet o) {
        double seconds = (nanoTime.getAsLong() - start) / 1e9;
        double watts = o.lastWatts;
        double volts = 230 + 2.5 * Math.sin(seconds / 90.0) + 0.4 * Math.sin(seconds * 1.7);
        // a power factor below 1, as motors and switch-mode supplies have
        double amps = watts <= 0 ? 0 : watts / volts / 0.92;
        JsonObject r = new JsonObject();
        if (model == Model.HS110V1) {
            r.addProperty("power", round(watts, 6));
            r.addProperty("voltage", round(volts, 6));
            r.addProperty("current", round(amps, 6));
            r.addProperty("total", round(o.energyWh / 1000.0, 3));
        } else {
            r.addProperty("power_mw", Math.round(watts * 1000));
            r.addProperty("voltage_mv", Math.round(volts * 1000));
            r.addProperty("current_ma", Math.round(amps * 1000));
            r.addProperty("total_wh", Math.round(o.energyWh));
        }
        r.addProperty("err_code", 0);
        return r;
    }

    /** Integrates each outlet's energy since the last request. */
    private void advance() {
        long now = nanoTime.getAsLong();
        double seconds = (now - start) / 1e9;
        double dtHours = (now - lastUpdate) / 3.6e12;
        lastUpdate = now;
        for (Outlet o : outlets) {
            o.lastWatts = o.on ? Math.max(0, o.load.watts(seconds)) : 0;
            o.energyWh += o.lastWatts * dtHours;
        }
    }

    private static double round(double v, int places) {
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }

    private static JsonObject error(int code, String message) {
        JsonObject e = new JsonObject();
        e.addProperty("err_code", code);
        if (message != null) e.addProperty("err_msg", message);
        return e;
    }
}
