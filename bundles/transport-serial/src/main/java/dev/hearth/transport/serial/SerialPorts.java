package dev.hearth.transport.serial;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens serial ports. The transport bundle registers one for real devices with
 * {@value #SCHEME}={@value #DEVICE_SCHEME}; a simulator may register another for names of its own
 * scheme (e.g. {@code sim:sds011} with {@value #SCHEME}={@code sim}). A driver picks the provider
 * whose scheme is {@link #schemeOf} its configured port name.
 */
@ProviderType
public interface SerialPorts {

    /** Service property: the scheme of port names this provider opens. */
    String SCHEME = "hearth.serial.scheme";
    /** The scheme of device paths and {@code usb:} identities. */
    String DEVICE_SCHEME = "device";

    /**
     * Opens {@code port}: a device path ({@code /dev/ttyUSB0}, {@code /dev/serial/by-id/usb-1a86_...}),
     * or {@code usb:VID:PID[:SERIAL]} in hex (e.g. {@code usb:1a86:7523}) for the first adapter with
     * that identity present now. Each open resolves the name again, so a replugged adapter that came
     * back under another {@code ttyUSBn} is found by its stable name.
     *
     * @throws PortGoneException if no such device is present now
     * @throws IOException if it is present but cannot be opened (busy, permissions) or configured
     */
    SerialPort open(String port, SerialSettings settings) throws IOException;

    /** The ports present now, stable names ({@code /dev/serial/by-id}) first; for error messages and consoles. */
    List<String> available();

    /**
     * The scheme a port name belongs to: the prefix before ':' for {@code sim:sds011} and the like,
     * {@value #DEVICE_SCHEME} for paths and {@code usb:} identities.
     */
    static String schemeOf(String port) {
        Matcher m = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):").matcher(port == null ? "" : port.trim());
        if (!m.find()) return DEVICE_SCHEME;
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        return scheme.equals("usb") || scheme.length() == 1 ? DEVICE_SCHEME : scheme; // one letter: a Windows drive, not a scheme
    }
}
