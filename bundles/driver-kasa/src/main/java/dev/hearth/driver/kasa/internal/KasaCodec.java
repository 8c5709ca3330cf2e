package dev.hearth.driver.kasa.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * The Kasa legacy local protocol on bytes and JSON, with no I/O of its own and no OSGi.
 *
 * <p>Messages are JSON, enciphered with an XOR autokey whose initial key is 171: each cipher byte
 * is the plain byte XOR the previous cipher byte. Over TCP every message is preceded by its length
 * as a 4-byte big-endian integer; UDP discovery datagrams carry the ciphertext alone.
 */
public final class KasaCodec {

    /** The autokey's starting value, fixed by the firmware. */
    static final int INITIAL_KEY = 171;
    /**
     * The longest reply accepted. A power strip's sysinfo is about 2 KiB; anything near this is a
     * confused or hostile peer, and refusing it keeps a bad length prefix from allocating memory.
     */
    public static final int MAX_REPLY_BYTES = 64 * 1024;

    public static final String GET_SYSINFO = "{\"system\":{\"get_sysinfo\":{}}}";
    public static final String GET_SYSINFO_AND_REALTIME = "{\"system\":{\"get_sysinfo\":{}},\"emeter\":{\"get_realtime\":{}}}";

    private KasaCodec() {
    }

    public static byte[] encrypt(byte[] plain) {
        byte[] out = new byte[plain.length];
        int key = INITIAL_KEY;
        for (int i = 0; i < plain.length; i++) {
            key = (plain[i] ^ key) & 0xff;
            out[i] = (byte) key;
        }
        return out;
    }

    public static byte[] decrypt(byte[] cipher) {
        return decrypt(cipher, 0, cipher.length);
    }

    public static byte[] decrypt(byte[] cipher, int offset, int length) {
        byte[] out = new byte[length];
        int key = INITIAL_KEY;
        for (int i = 0; i < length; i++) {
            int c = cipher[offset + i] & 0xff;
            out[i] = (byte) (c ^ key);
            key = c;
        }
        return out;
    }

    /** A TCP message: the length prefix, then the ciphertext of {@code json}. */
    public static byte[] frame(String json) {
        byte[] cipher = encrypt(json.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(4 + cipher.length).putInt(cipher.length).put(cipher).array();
    }

    /** A UDP discovery datagram: the ciphertext alone. */
    public static byte[] datagram(String json) {
        return encrypt(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads one framed reply and deciphers it.
     *
     * @throws EOFException the peer closed the connection before sending a byte (what a plug with
     *         the legacy port disabled may do; the caller may then look for KLAP)
     * @throws MalformedReplyException a length prefix that is zero, negative or above
     *         {@link #MAX_REPLY_BYTES}, or a reply cut short
     */
    public static String readFrame(InputStream in) throws IOException {
        byte[] header = new byte[4];
        int got = readFully(in, header);
        if (got == 0) throw new EOFException("the plug closed the connection without replying");
        if (got < 4) throw new MalformedReplyException("reply truncated in its length prefix (" + got + " of 4 bytes)");
        int length = ByteBuffer.wrap(header).getInt();
        if (length <= 0 || length > MAX_REPLY_BYTES) {
            throw new MalformedReplyException("reply length prefix " + Integer.toUnsignedString(length)
                    + (length < 0 ? " (negative as a signed int)" : "") + " is outside 1.." + MAX_REPLY_BYTES);
        }
        byte[] body = new byte[length];
        got = readFully(in, body);
        if (got < length) throw new MalformedReplyException("reply truncated: " + got + " of " + length + " bytes");
        return new String(decrypt(body), StandardCharsets.UTF_8);
    }

    /** Reads until {@code buffer} is full or the stream ends; returns the bytes read. */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int got = 0;
        while (got < buffer.length) {
            int n = in.read(buffer, got, buffer.length - got);
            if (n < 0) break;
            got += n;
        }
        return got;
    }

    /** The relay command, addressed to some outlets of a power strip when {@code childIds} is not empty. */
    public static String setRelay(boolean on, Collection<String> childIds) {
        JsonObject request = new JsonObject();
        if (!childIds.isEmpty()) request.add("context", childContext(childIds));
        JsonObject state = new JsonObject();
        state.addProperty("state", on ? 1 : 0);
        JsonObject system = new JsonObject();
        system.add("set_relay_state", state);
        request.add("system", system);
        return request.toString();
    }

    /** The realtime meter request for one outlet of a power strip (or the plug itself when {@code childId} is null). */
    public static String getRealtime(String childId) {
        JsonObject request = new JsonObject();
        if (childId != null) request.add("context", childContext(List.of(childId)));
        JsonObject emeter = new JsonObject();
        emeter.add("get_realtime", new JsonObject());
        request.add("emeter", emeter);
        return request.toString();
    }

    private static JsonObject childContext(Collection<String> childIds) {
        JsonArray ids = new JsonArray();
        childIds.forEach(ids::add);
        JsonObject context = new JsonObject();
        context.add("child_ids", ids);
        return context;
    }

    /** Parses a deciphered reply; anything but a JSON object is malformed. */
    public static JsonObject parse(String json) throws MalformedReplyException {
        try {
            JsonElement element = JsonParser.parseString(json);
            if (!element.isJsonObject()) throw new MalformedReplyException("reply is not a JSON object: " + preview(json));
            return element.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new MalformedReplyException("reply is not JSON: " + preview(json), e);
        }
    }

    /** The {@code system.get_sysinfo} part of a reply. */
    public static KasaSysinfo sysinfo(JsonObject reply) throws IOException {
        JsonObject info = result(reply, "system", "get_sysinfo");
        String feature = string(info, "feature");
        List<KasaSysinfo.Outlet> outlets = new ArrayList<>();
        JsonElement children = info.get("children");
        if (children != null && !children.isJsonNull()) {
            if (!children.isJsonArray()) throw new MalformedReplyException("sysinfo children is not an array");
            for (JsonElement child : children.getAsJsonArray()) {
                if (!child.isJsonObject()) throw new MalformedReplyException("sysinfo child is not an object");
                JsonObject c = child.getAsJsonObject();
                String id = string(c, "id");
                if (id.isEmpty()) throw new MalformedReplyException("sysinfo child without an id");
                outlets.add(new KasaSysinfo.Outlet(id, string(c, "alias"), integer(c, "state") == 1));
            }
        }
        boolean relayOn = outlets.isEmpty() ? integer(info, "relay_state") == 1 : outlets.stream().anyMatch(KasaSysinfo.Outlet::on);
        String mac = string(info, "mac");
        return new KasaSysinfo(string(info, "alias"), string(info, "model"), string(info, "hw_ver"), string(info, "sw_ver"),
                string(info, "deviceId"), mac.isEmpty() ? string(info, "mic_mac") : mac, relayOn,
                feature.contains("ENE"), outlets);
    }

    /**
     * The {@code emeter.get_realtime} part of a reply, in W, V, A and kWh. Firmware of HS110
     * hardware 1.x answers {@code power} W, {@code voltage} V, {@code current} A, {@code total}
     * kWh; later hardware (HS110 2.0+, HS300, KP115) answers {@code power_mw}, {@code voltage_mv},
     * {@code current_ma}, {@code total_wh}. Where a reply carries both, the unscaled one wins.
     */
    public static EmeterRealtime realtime(JsonObject reply) throws IOException {
        JsonObject rt = result(reply, "emeter", "get_realtime");
        return new EmeterRealtime(scaled(rt, "power", "power_mw"), scaled(rt, "voltage", "voltage_mv"),
                scaled(rt, "current", "current_ma"), scaled(rt, "total", "total_wh"));
    }

    /** Checks the {@code err_code} of a command that returns nothing else (e.g. {@code set_relay_state}). */
    public static void checkAnswered(JsonObject reply, String module, String method) throws IOException {
        result(reply, module, method);
    }

    private static double scaled(JsonObject rt, String unscaled, String thousandths) throws MalformedReplyException {
        if (rt.has(unscaled)) return number(rt, unscaled);
        if (rt.has(thousandths)) return number(rt, thousandths) / 1000.0;
        throw new MalformedReplyException("realtime meter reply has neither " + unscaled + " nor " + thousandths);
    }

    private static double number(JsonObject o, String key) throws MalformedReplyException {
        JsonElement e = o.get(key);
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            double v = p.getAsDouble();
            if (Double.isFinite(v)) return v;
        }
        throw new MalformedReplyException(key + " is not a finite number: " + preview(String.valueOf(e)));
    }

    /** {@code reply[module][method]}, after its {@code err_code} (and the module's, for "module not support") is checked. */
    private static JsonObject result(JsonObject reply, String module, String method) throws IOException {
        JsonObject m = object(reply, module, module);
        checkErrCode(m, module);
        JsonObject r = object(m, method, module + "." + method);
        checkErrCode(r, module + "." + method);
        return r;
    }

    private static void checkErrCode(JsonObject o, String what) throws IOException {
        JsonElement code = o.get("err_code");
        if (code == null) return;
        if (!(code instanceof JsonPrimitive p && p.isNumber())) throw new MalformedReplyException(what + " err_code is not a number");
        int err = p.getAsInt();
        if (err != 0) throw new DeviceRefusedException(what, err, string(o, "err_msg"));
    }

    private static JsonObject object(JsonObject parent, String key, String what) throws MalformedReplyException {
        JsonElement e = parent.get(key);
        if (e == null || !e.isJsonObject()) throw new MalformedReplyException("reply has no " + what + " object");
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e instanceof JsonPrimitive p ? p.getAsString() : "";
    }

    private static int integer(JsonObject o, String key) throws MalformedReplyException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return 0;
        if (e instanceof JsonPrimitive p && p.isNumber()) return p.getAsInt();
        throw new MalformedReplyException(key + " is not a number");
    }

    /** The start of a reply for an error message: never the whole of a hostile 64 KiB. */
    static String preview(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 80 ? clean : clean.substring(0, 77) + "...";
    }
}
