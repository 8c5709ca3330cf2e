package dev.hearth.transport.serial.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fazecast.jSerialComm.SerialPortInvalidPortException;

import dev.hearth.transport.serial.PortGoneException;
import dev.hearth.transport.serial.SerialPort;
import dev.hearth.transport.serial.SerialPorts;
import dev.hearth.transport.serial.SerialSettings;

/**
 * Real serial ports through jSerialComm, which unpacks its native library for this OS and CPU
 * (x86_64, armv6hf/armv7hf/armv8_32/armv8_64 for the Pis) on first use.
 */
@Component(service = SerialPorts.class, property = SerialPorts.SCHEME + "=" + SerialPorts.DEVICE_SCHEME)
public final class JSerialCommPorts implements SerialPorts {

    static final Path BY_ID = Path.of("/dev/serial/by-id");
    private static final Logger LOG = LoggerFactory.getLogger(JSerialCommPorts.class);

    @Activate
    public JSerialCommPorts() {
    }

    @Override
    public SerialPort open(String port, SerialSettings settings) throws IOException {
        String name = port == null ? "" : port.trim();
        if (name.isEmpty()) throw new IllegalArgumentException("a port name is required");
        com.fazecast.jSerialComm.SerialPort p;
        Path watched;
        if (UsbIdentity.isIdentity(name)) {
            UsbIdentity id = UsbIdentity.parse(name);
            p = findUsb(id);
            if (p == null) throw new PortGoneException(name, "no USB serial adapter " + id + " is plugged in; present: " + available());
            watched = Path.of(p.getSystemPortPath());
        } else {
            watched = Path.of(name);
            // Files.exists follows links: a by-id link whose adapter is unplugged is gone too
            if (!Files.exists(watched)) throw new PortGoneException(name, "port " + name + " is not present; present: " + available());
            try {
                // resolve the link now, so a replugged adapter under another ttyUSBn is found by its stable name
                p = com.fazecast.jSerialComm.SerialPort.getCommPort(watched.toRealPath().toString());
            } catch (SerialPortInvalidPortException e) {
                throw new IOException("port " + name + ": " + e.getMessage(), e);
            }
        }
        if (!p.openPort(0)) {
            if (!Files.exists(watched)) throw new PortGoneException(name, "port " + name + " went away while opening");
            throw new IOException("cannot open " + name + " (" + p.getSystemPortPath() + "): error " + p.getLastErrorCode()
                    + " — busy, or no permission (is the user in the dialout group?)");
        }
        if (!p.setComPortParameters(settings.baud(), settings.dataBits(), stopBits(settings.stopBits()), parity(settings.parity()))) {
            p.closePort();
            throw new IOException("cannot set " + settings + " on " + name + ": error " + p.getLastErrorCode());
        }
        p.flushIOBuffers();
        LOG.debug("serial: opened {} ({}) at {}", name, p.getSystemPortPath(), settings);
        return new JSerialCommPort(name, p, watched);
    }

    @Override
    public List<String> available() {
        Set<String> names = new LinkedHashSet<>();
        if (Files.isDirectory(BY_ID)) {
            try (DirectoryStream<Path> links = Files.newDirectoryStream(BY_ID)) {
                List<String> sorted = new ArrayList<>();
                links.forEach(l -> sorted.add(l.toString()));
                sorted.sort(null);
                names.addAll(sorted);
            } catch (IOException e) {
                LOG.debug("serial: cannot list {}: {}", BY_ID, e.toString());
            }
        }
        for (com.fazecast.jSerialComm.SerialPort p : com.fazecast.jSerialComm.SerialPort.getCommPorts()) names.add(p.getSystemPortPath());
        return List.copyOf(names);
    }

    private static com.fazecast.jSerialComm.SerialPort findUsb(UsbIdentity id) {
        for (com.fazecast.jSerialComm.SerialPort p : com.fazecast.jSerialComm.SerialPort.getCommPorts()) {
            if (id.matches(p.getVendorID(), p.getProductID(), p.getSerialNumber())) return p;
        }
        return null;
    }

    static int stopBits(SerialSettings.StopBits s) {
        return switch (s) {
            case ONE -> com.fazecast.jSerialComm.SerialPort.ONE_STOP_BIT;
            case ONE_POINT_FIVE -> com.fazecast.jSerialComm.SerialPort.ONE_POINT_FIVE_STOP_BITS;
            case TWO -> com.fazecast.jSerialComm.SerialPort.TWO_STOP_BITS;
        };
    }

    static int parity(SerialSettings.Parity p) {
        return switch (p) {
            case NONE -> com.fazecast.jSerialComm.SerialPort.NO_PARITY;
            case ODD -> com.fazecast.jSerialComm.SerialPort.ODD_PARITY;
            case EVEN -> com.fazecast.jSerialComm.SerialPort.EVEN_PARITY;
            case MARK -> com.fazecast.jSerialComm.SerialPort.MARK_PARITY;
            case SPACE -> com.fazecast.jSerialComm.SerialPort.SPACE_PARITY;
        };
    }
}
