package dev.hearth.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private dbus-daemon with python3-dbusmock's bluez5 template on it, plus the iBBQ GATT objects
 * (bluez_ctl.py beside this class). For the BLE transport's and the iBBQ driver's tests. Needs
 * Debian's dbus-daemon, dbus-send and python3-dbusmock, run with
 * /usr/bin/python3. {@link #stopBluez()} and {@link #startBluez()} play bluetoothd restarting:
 * the owner of org.bluez goes away and comes back.
 */
public final class BluezMock implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    private final Path dir;
    private Process daemon;
    private String address;
    private Process bluez;
    /** bluez_ctl.py, copied out of this jar. */
    private final Path ctl;

    public BluezMock() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("hearth-bluez");
        ctl = dir.resolve("bluez_ctl.py");
        try (java.io.InputStream in = BluezMock.class.getResourceAsStream("bluez_ctl.py")) {
            if (in == null) throw new IOException("bluez_ctl.py is missing from the testkit");
            Files.copy(in, ctl);
        }
        startDaemon();
        startBluez();
    }

    private void startDaemon() throws IOException {
        daemon = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1",
                "--address=unix:path=" + dir.resolve("bus")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith("unix:")) throw new IOException("dbus-daemon printed no address: " + line);
        address = line.trim();
    }

    /** dbus-daemon itself restarts, on the same socket path (with a new guid), and bluetoothd with it. */
    public void restartDaemon() throws IOException, InterruptedException {
        stopBluez();
        daemon.destroy();
        daemon.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(dir.resolve("bus"));
        startDaemon();
        startBluez();
    }

    public String address() {
        return address;
    }

    public void startBluez() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "dbusmock", "--system", "--template", "bluez5")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dbusmock.log").toFile());
        pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", address);
        bluez = pb.start();
        for (int i = 0; i < 200 && !bluezOnBus(); i++) {
            if (!bluez.isAlive()) throw new IOException("dbusmock exited: " + Files.readString(dir.resolve("dbusmock.log")));
            Thread.sleep(50);
        }
        if (!bluezOnBus()) throw new IOException("org.bluez did not appear on the bus");
    }

    public void stopBluez() throws InterruptedException {
        bluez.destroy();
        bluez.waitFor(10, TimeUnit.SECONDS);
    }

    private boolean bluezOnBus() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dbus-send", "--bus=" + address, "--print-reply", "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.bluez").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.contains("boolean true");
    }

    /** Runs one bluez_ctl.py command; its output lines. */
    public List<String> ctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, ctl.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", address);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("bluez_ctl " + String.join(" ", args) + " failed: " + out);
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (bluez != null) {
            bluez.destroy();
            bluez.waitFor(10, TimeUnit.SECONDS);
        }
        daemon.destroy();
        daemon.waitFor(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
