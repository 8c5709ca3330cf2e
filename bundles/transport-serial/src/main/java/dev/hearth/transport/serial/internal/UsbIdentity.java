package dev.hearth.transport.serial.internal;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A USB serial adapter named by what it is rather than where the kernel put it:
 * {@code usb:VID:PID[:SERIAL]}, vendor and product id in hex. Cheap CH340 adapters (1a86:7523)
 * carry no serial number, so two of them can only be told apart by path or by-id link.
 */
record UsbIdentity(int vendor, int product, String serial) {

    static final String PREFIX = "usb:";

    static boolean isIdentity(String port) {
        return port.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    static UsbIdentity parse(String port) {
        if (!isIdentity(port)) throw new IllegalArgumentException("not a usb: identity: " + port);
        String[] parts = port.substring(PREFIX.length()).split(":", 3);
        if (parts.length < 2) throw new IllegalArgumentException("expected usb:VID:PID[:SERIAL] in hex, got '" + port + "'");
        return new UsbIdentity(hex16(parts[0], port), hex16(parts[1], port), parts.length == 3 && !parts[2].isBlank() ? parts[2].trim() : null);
    }

    private static int hex16(String s, String port) {
        String t = s.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) t = t.substring(2);
        if (t.isEmpty() || t.length() > 4 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("'" + s + "' in '" + port + "' is not a 16-bit hex id");
        }
        return HexFormat.fromHexDigits(t);
    }

    boolean matches(int vendorId, int productId, String serialNumber) {
        return vendorId == vendor && productId == product && (serial == null || serial.equalsIgnoreCase(serialNumber == null ? "" : serialNumber.trim()));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "usb:%04x:%04x%s", vendor, product, serial == null ? "" : ":" + serial);
    }
}
