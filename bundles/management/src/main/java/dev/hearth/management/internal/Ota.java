package dev.hearth.management.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.signing.SignedJars;
import dev.hearth.signing.TrustedKeys;
import dev.hearth.signing.UntrustedArtifactException;

/**
 * OTA of bundles, run by management's one worker: every check before anything changes (SHA-256,
 * signature by a trusted key, symbolic name), then staged, updated, refreshed, started and
 * health-checked, with an automatic rollback to the saved previous jar when the check fails. The
 * progress is kept in {@link OtaState} before each step, so that {@link #recover} can finish or
 * undo an OTA the gateway died in. Every step is announced on {@code events/ota}.
 */
final class Ota {

    private static final Logger LOG = LoggerFactory.getLogger(Ota.class);
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(60);
    /** A healthy state must hold this long (or the grace period, if shorter) before it counts: DS activates asynchronously. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(250);

    private final BundleContext context;
    private final Path dir;
    private final Path trustedKeys;
    private final Download download;
    private final long maxBytes;
    private final int defaultGrace;
    private final BiConsumer<String, JsonObject> events;
    private final Supplier<ServiceComponentRuntime> scr;
    private final Supplier<GatewayStatus> status;

    Ota(BundleContext context, Path dir, Path trustedKeys, Download download, long maxBytes, int defaultGrace,
            BiConsumer<String, JsonObject> events, Supplier<ServiceComponentRuntime> scr, Supplier<GatewayStatus> status) {
        this.context = context;
        this.dir = dir;
        this.trustedKeys = trustedKeys;
        this.download = download;
        this.maxBytes = maxBytes;
        this.defaultGrace = defaultGrace;
        this.events = events;
        this.scr = scr;
        this.status = status;
    }

    /** A refusal or failure with its reason, answered as {@code error}. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        /** Whether the refusal was announced on events/ota already. */
        final boolean announced;

        Failed(String message) {
            this(message, false);
        }

        Failed(String message, boolean announced) {
            super(message, null, false, false);
            this.announced = announced;
        }
    }

    JsonObject handle(Request r) throws Exception {
        OtaRequest q = OtaRequest.parse(r.op(), r.body(), maxBytes);
        try {
            return switch (q.op()) {
                case "bundle/list" -> list();
                case "bundle/start", "bundle/stop" -> startStop(q, r.id());
                case "bundle/uninstall" -> uninstall(q, r.id());
                case "bundle/install" -> install(q, r.id());
                default -> update(q, r.id());
            };
        } catch (Failed e) {
            if (!e.announced) progress(q.op(), q.bundle(), "refused", r.id(), "reason", e.getMessage());
            return Handler.error(e.getMessage());
        }
    }

    private JsonObject list() {
        JsonArray bundles = new JsonArray();
        for (Bundle b : context.getBundles()) {
            JsonObject o = new JsonObject();
            o.addProperty("bundle_id", b.getBundleId());
            o.addProperty("bundle", b.getSymbolicName());
            o.addProperty("version", b.getVersion().toString());
            o.addProperty("state", stateName(b.getState()));
            if (b.getHeaders("").get(Constants.FRAGMENT_HOST) != null) o.addProperty("fragment", true);
            bundles.add(o);
        }
        JsonObject out = Handler.ok(new JsonObject());
        out.add("bundles", bundles);
        return out;
    }

    private JsonObject startStop(OtaRequest q, String id) throws Failed {
        Bundle b = find(q.bundle());
        boolean start = q.op().equals("bundle/start");
        if (!start) protect(b);
        try {
            if (start) b.start();
            else b.stop();
        } catch (BundleException | IllegalStateException e) {
            progress(q.op(), q.bundle(), "failed", id, "reason", message(e));
            throw new Failed(q.bundle() + ": " + (start ? "start" : "stop") + " failed: " + message(e), true);
        }
        progress(q.op(), q.bundle(), start ? "started" : "stopped", id, "state", stateName(b.getState()));
        return result(b);
    }

    private JsonObject uninstall(OtaRequest q, String id) throws Failed {
        Bundle b = find(q.bundle());
        protect(b);
        String version = b.getVersion().toString();
        try {
            b.uninstall();
            refresh(List.of(b));
        } catch (BundleException | IllegalStateException e) {
            throw new Failed(q.bundle() + ": uninstall failed: " + message(e));
        }
        deleteQuietly(dir.resolve(q.bundle() + ".current.jar"));
        progress(q.op(), q.bundle(), "uninstalled", id, "version", version);
        JsonObject out = Handler.ok(new JsonObject());
        out.addProperty("bundle", q.bundle());
        out.addProperty("version", version);
        out.addProperty("state", "UNINSTALLED");
        return out;
    }

    /** The fetched and verified artifact: where it lies and what it is. */
    private record Artifact(Path file, String sha256, List<String> signers, String bundle, Version version) {
    }

    /** Fetches the artifact into the OTA folder and checks all of it; nothing in the framework is touched. */
    private Artifact fetchAndVerify(OtaRequest q, String id) throws Failed, IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("incoming.jar");
        Files.deleteIfExists(file);
        progress(q.op(), q.bundle(), "fetching", id, "source", q.url() != null ? redact(q.url()) : "inline");
        if (q.url() != null) {
            try {
                download.fetch(q.url(), file);
            } catch (IOException | RuntimeException e) {
                throw refused(q, id, "download failed: " + message(e));
            }
        } else {
            Files.write(file, q.data());
        }
        try {
            String sha = SignedJars.sha256(file);
            if (!sha.equalsIgnoreCase(q.sha256())) {
                throw refused(q, id, "SHA-256 mismatch: the artifact has " + sha + ", the request expects " + q.sha256());
            }
            TrustedKeys keys = TrustedKeys.load(trustedKeys);
            if (keys.isEmpty()) throw refused(q, id, "no trusted keys in " + trustedKeys + ": nothing can be verified");
            SignedJars.Verified v;
            try {
                v = SignedJars.verify(file, keys, maxBytes);
            } catch (UntrustedArtifactException e) {
                throw refused(q, id, "signature: " + e.getMessage());
            }
            String bsn;
            Version version;
            try (JarFile jar = new JarFile(file.toFile(), false)) {
                Manifest m = jar.getManifest();
                Attributes a = m == null ? new Attributes() : m.getMainAttributes();
                if (!"2".equals(trim(a.getValue(Constants.BUNDLE_MANIFESTVERSION)))) throw refused(q, id, "not an OSGi R4+ bundle (Bundle-ManifestVersion is not 2)");
                if (a.getValue(Constants.FRAGMENT_HOST) != null) throw refused(q, id, "fragments are not handled by OTA");
                String raw = trim(a.getValue(Constants.BUNDLE_SYMBOLICNAME));
                if (raw == null) throw refused(q, id, "no Bundle-SymbolicName");
                bsn = raw.split(";", 2)[0].trim();
                try {
                    OtaRequest.symbolicName(bsn);
                    version = Version.parseVersion(trim(a.getValue(Constants.BUNDLE_VERSION)));
                } catch (IllegalArgumentException e) {
                    throw refused(q, id, "bad manifest: " + e.getMessage());
                }
            }
            if (q.bundle() != null && !q.bundle().equals(bsn)) {
                throw refused(q, id, "symbolic name mismatch: the artifact is '" + bsn + "', not '" + q.bundle() + "'");
            }
            progress(q.op(), bsn, "verified", id, "sha256", v.sha256(), "version", version.toString());
            return new Artifact(file, v.sha256(), List.copyOf(new java.util.TreeSet<>(v.signers())), bsn, version);
        } catch (Failed | RuntimeException | IOException e) {
            deleteQuietly(file);
            throw e;
        } catch (UntrustedArtifactException e) {
            deleteQuietly(file);
            throw refused(q, id, e.getMessage());
        }
    }

    private JsonObject install(OtaRequest q, String id) throws Exception {
        Artifact a = fetchAndVerify(q, id);
        try {
            if (findOrNull(a.bundle()) != null) {
                throw refused(q, id, "'" + a.bundle() + "' is installed already: use bundle/update");
            }
            int grace = q.graceSeconds() > 0 ? q.graceSeconds() : defaultGrace;
            OtaState state = new OtaState("install", a.bundle(), "staged", "", a.version().toString(), "", id == null ? "" : id,
                    grace, q.devices(), Instant.now());
            state.write(dir);
            state = state.at("updating");
            state.write(dir);
            Bundle b;
            try (InputStream in = Files.newInputStream(a.file())) {
                b = context.installBundle("ota:" + a.bundle(), in);
            } catch (BundleException e) {
                OtaState.clear(dir);
                throw refused(q, id, "the framework refused the bundle: " + message(e));
            }
            progress(q.op(), a.bundle(), "installed", id, "version", a.version().toString());
            String problem = null;
            if (q.start()) {
                try {
                    b.start();
                } catch (BundleException | IllegalStateException e) {
                    problem = "start failed: " + message(e);
                }
                Map<String, Long> before = readings();
                state.at("checking").write(dir);
                if (problem == null) problem = health(b, grace, q.devices(), before, q.op(), id);
            }
            if (problem != null) {
                state.at("rolling_back").write(dir);
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("management stopped during the install; it is undone at the next start");
                }
                progress(q.op(), a.bundle(), "rolling_back", id, "reason", problem);
                String undo = uninstallQuietly(b);
                OtaState.clear(dir);
                progress(q.op(), a.bundle(), undo == null ? "rolled_back" : "rollback_failed", id, "reason", problem);
                JsonObject out = Handler.error("health check failed: " + problem + (undo == null ? "; uninstalled again"
                        : "; uninstalling it failed too: " + undo));
                out.addProperty("bundle", a.bundle());
                out.addProperty("rolled_back", undo == null);
                return out;
            }
            Files.copy(a.file(), dir.resolve(a.bundle() + ".current.jar"), StandardCopyOption.REPLACE_EXISTING);
            OtaState.clear(dir);
            progress(q.op(), a.bundle(), "done", id, "version", a.version().toString(), "state", stateName(b.getState()));
            JsonObject out = result(b);
            out.addProperty("sha256", a.sha256());
            out.add("signers", Handler.strings(a.signers()));
            return out;
        } finally {
            deleteQuietly(a.file());
        }
    }

    private JsonObject update(OtaRequest q, String id) throws Exception {
        Bundle b = find(q.bundle());
        protect(b);
        Artifact a = fetchAndVerify(q, id);
        try {
            // the running version's jar, for the rollback, before anything changes
            Path previous = dir.resolve(a.bundle() + ".previous.jar");
            savePrevious(b, previous, q, id);
            String from = b.getVersion().toString();
            int grace = q.graceSeconds() > 0 ? q.graceSeconds() : defaultGrace;
            OtaState state = new OtaState("update", a.bundle(), "staged", from, a.version().toString(), previous.getFileName().toString(),
                    id == null ? "" : id, grace, q.devices(), Instant.now());
            state.write(dir);
            state = state.at("updating");
            state.write(dir);
            progress(q.op(), a.bundle(), "updating", id, "from_version", from, "to_version", a.version().toString());
            String problem = null;
            try {
                replace(b, a.file());
            } catch (BundleException | IllegalStateException | IOException e) {
                problem = message(e);
            }
            if (problem == null) {
                // counted after the new version started: readings the old one published before it stopped do not count
                Map<String, Long> before = readings();
                state.at("checking").write(dir);
                progress(q.op(), a.bundle(), "checking", id, "grace_s", String.valueOf(grace));
                problem = health(b, grace, q.devices(), before, q.op(), id);
            }
            if (problem != null) {
                state.at("rolling_back").write(dir);
                if (Thread.currentThread().isInterrupted()) {
                    // management is stopping: the state file stays, the next start rolls back
                    throw new InterruptedException("management stopped during the update; it is rolled back at the next start");
                }
                progress(q.op(), a.bundle(), "rolling_back", id, "reason", problem);
                String undo = rollBack(b, previous);
                OtaState.clear(dir);
                progress(q.op(), a.bundle(), undo == null ? "rolled_back" : "rollback_failed", id, "reason", problem,
                        "version", b.getVersion().toString(), "state", stateName(b.getState()));
                JsonObject out = Handler.error("health check failed: " + problem + (undo == null
                        ? "; rolled back to " + b.getVersion() + " (" + stateName(b.getState()) + ")"
                        : "; the rollback failed too: " + undo));
                out.addProperty("bundle", a.bundle());
                out.addProperty("rolled_back", undo == null);
                out.addProperty("version", b.getVersion().toString());
                out.addProperty("state", stateName(b.getState()));
                return out;
            }
            Files.copy(a.file(), dir.resolve(a.bundle() + ".current.jar"), StandardCopyOption.REPLACE_EXISTING);
            OtaState.clear(dir);
            progress(q.op(), a.bundle(), "done", id, "from_version", from, "to_version", a.version().toString());
            JsonObject out = result(b);
            out.addProperty("from_version", from);
            out.addProperty("sha256", a.sha256());
            out.add("signers", Handler.strings(a.signers()));
            return out;
        } finally {
            deleteQuietly(a.file());
        }
    }

    /**
     * Copies the running version's jar to {@code target}: the jar OTA installed last (if it is that
     * version), else the bundle's location when it is a file holding that version. The framework's
     * own cache is not used (its layout is Felix's business).
     */
    private void savePrevious(Bundle b, Path target, OtaRequest q, String id) throws Failed, IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(b.getSymbolicName() + ".current.jar"));
        String location = b.getLocation();
        if (location != null && location.startsWith("file:")) {
            try {
                candidates.add(Path.of(URI.create(location)));
            } catch (IllegalArgumentException e) {
                LOG.debug("management: location {} is not a file URI", location);
            }
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && sameVersion(p, b)) {
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.copy(p, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
        }
        throw refused(q, id, "the running version's jar is not available for a rollback (location " + location
                + "): install it from a file or through OTA first");
    }

    private static boolean sameVersion(Path jar, Bundle b) {
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            Attributes a = j.getManifest().getMainAttributes();
            String bsn = trim(a.getValue(Constants.BUNDLE_SYMBOLICNAME));
            return bsn != null && bsn.split(";", 2)[0].trim().equals(b.getSymbolicName())
                    && Version.parseVersion(trim(a.getValue(Constants.BUNDLE_VERSION))).equals(b.getVersion());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Update from a jar, refresh, start. */
    private void replace(Bundle b, Path jar) throws BundleException, IOException {
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        }
        refresh(List.of(b));
        b.start();
    }

    /** Back to the saved jar; null if done, else why not. */
    private String rollBack(Bundle b, Path previous) {
        if (!Files.isRegularFile(previous)) return "the previous jar " + previous.getFileName() + " is missing";
        try {
            replace(b, previous);
            return b.getState() == Bundle.ACTIVE ? null : "the previous version is " + stateName(b.getState());
        } catch (BundleException | IllegalStateException | IOException e) {
            return message(e);
        }
    }

    private String uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
            refresh(List.of(b));
            return null;
        } catch (BundleException | IllegalStateException e) {
            return message(e);
        }
    }

    private void refresh(List<Bundle> bundles) throws BundleException {
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(bundles, e -> done.countDown());
        try {
            if (!done.await(REFRESH_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) throw new BundleException("refresh did not finish within " + REFRESH_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while refreshing");
        }
    }

    /**
     * Null when, within {@code graceSeconds}, the bundle is ACTIVE, none of its enabled components
     * is unsatisfied in a reference or failed to activate, and each of {@code devices} published a
     * reading after {@code before} was taken; all of it holding for a short settling time. Else
     * the last reason found.
     */
    String health(Bundle b, int graceSeconds, List<String> devices, Map<String, Long> before, String op, String id) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(graceSeconds);
        long settle = Math.min(SETTLE.toNanos(), TimeUnit.SECONDS.toNanos(graceSeconds));
        String problem;
        do {
            problem = problem(b, devices, before);
            long now = System.nanoTime();
            if (problem == null && now - start >= settle) {
                progress(op, b.getSymbolicName(), "healthy", id, "after_ms", String.valueOf((now - start) / 1_000_000));
                return null;
            }
            if (problem != null && problem.startsWith("component") && problem.contains("failed to activate")) return problem;
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < deadline);
        return problem != null ? problem : "not healthy within " + graceSeconds + " s";
    }

    private String problem(Bundle b, List<String> devices, Map<String, Long> before) {
        if (b.getState() != Bundle.ACTIVE) return "the bundle is " + stateName(b.getState()) + ", not ACTIVE";
        ServiceComponentRuntime runtime = scr.get();
        if (runtime != null) {
            for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs(b)) {
                if (!runtime.isComponentEnabled(d)) continue;
                for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                        List<String> missing = new ArrayList<>();
                        if (c.unsatisfiedReferences != null) for (var u : c.unsatisfiedReferences) missing.add(u.name + " (" + u.target + ")");
                        return "component " + d.name + " has unsatisfied references " + missing;
                    }
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        return "component " + d.name + " failed to activate: " + firstLine(c.failure);
                    }
                }
            }
        }
        if (!devices.isEmpty()) {
            GatewayStatus s = status.get();
            if (s == null) return "no gateway status service to watch readings of " + devices;
            Map<String, Long> now = new HashMap<>();
            for (DeviceInfo d : s.devices()) now.put(d.device(), d.readings());
            List<String> silent = new ArrayList<>();
            for (String d : devices) if (now.getOrDefault(d, 0L) <= before.getOrDefault(d, 0L)) silent.add(d);
            if (!silent.isEmpty()) return "no new readings from " + silent;
        }
        return null;
    }

    private Map<String, Long> readings() {
        Map<String, Long> out = new HashMap<>();
        GatewayStatus s = status.get();
        if (s != null) for (DeviceInfo d : s.devices()) out.put(d.device(), d.readings());
        return out;
    }

    /**
     * At activation: an OTA the gateway died in is finished or undone (see {@link OtaState#decide}).
     * Returns what was done, also announced on {@code events/ota}; null if there was nothing to do.
     */
    JsonObject recover() {
        OtaState s;
        try {
            s = OtaState.read(dir);
        } catch (IllegalArgumentException | IOException e) {
            Path bad = dir.resolve(OtaState.FILE + ".bad");
            try {
                Files.move(dir.resolve(OtaState.FILE), bad, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moved) {
                LOG.warn("management: cannot move the unusable OTA state file aside: {}", moved.toString());
            }
            LOG.warn("management: OTA state file unusable ({}); moved to {}, nothing done", e.getMessage(), bad);
            JsonObject o = new JsonObject();
            o.addProperty("op", "recovery");
            o.addProperty("step", "unusable_state");
            o.addProperty("reason", message(e));
            o.addProperty("outcome", "nothing done; the file was moved to " + bad.getFileName());
            events.accept("ota", o);
            return o;
        }
        if (s == null) return null;
        Bundle b = findOrNull(s.bundle());
        OtaState.Decision decision = s.decide(b == null ? null : b.getVersion().toString());
        LOG.warn("management: found an interrupted OTA ({} {} at step {}): {}", s.op(), s.bundle(), s.step(), decision);
        String outcome;
        String reason = null;
        try {
            switch (decision) {
                case DISCARD -> outcome = b == null && !s.step().equals("staged") ? "discarded: the bundle is not installed"
                        : "discarded: nothing had been changed";
                case CHECK -> {
                    reason = health(b, s.graceSeconds(), s.devices(), readings(), "recovery", s.request());
                    if (reason == null) {
                        outcome = "completed: " + s.bundle() + " " + b.getVersion() + " passed the health check";
                    } else if (s.op().equals("install")) {
                        String undo = uninstallQuietly(b);
                        outcome = undo == null ? "uninstalled (unhealthy)" : "uninstall failed: " + undo;
                    } else {
                        String undo = rollBack(b, dir.resolve(s.previousJar()));
                        outcome = undo == null ? "rolled back to " + b.getVersion() + " (unhealthy)" : "rollback failed: " + undo;
                    }
                }
                case ROLL_BACK -> {
                    String undo = rollBack(b, dir.resolve(s.previousJar()));
                    outcome = undo == null ? "rolled back to " + b.getVersion() : "rollback failed: " + undo;
                }
                default -> {
                    String undo = uninstallQuietly(b);
                    outcome = undo == null ? "uninstalled" : "uninstall failed: " + undo;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null; // deactivated meanwhile: the state file stays for the next start
        }
        try {
            OtaState.clear(dir);
        } catch (IOException e) {
            LOG.warn("management: cannot remove the OTA state file: {}", e.toString());
        }
        JsonObject o = new JsonObject();
        o.addProperty("op", "recovery");
        o.addProperty("bundle", s.bundle());
        o.addProperty("interrupted", s.op());
        o.addProperty("step", s.step());
        o.addProperty("decision", decision.name().toLowerCase(Locale.ROOT));
        o.addProperty("outcome", outcome);
        if (reason != null) o.addProperty("reason", reason);
        if (!s.request().isEmpty()) o.addProperty("request", s.request());
        Bundle now = findOrNull(s.bundle());
        if (now != null) {
            o.addProperty("version", now.getVersion().toString());
            o.addProperty("state", stateName(now.getState()));
        }
        LOG.warn("management: OTA recovery of {}: {}", s.bundle(), outcome);
        events.accept("ota", o);
        return o;
    }

    private Bundle find(String bsn) throws Failed {
        Bundle b = findOrNull(bsn);
        if (b == null) throw new Failed("no bundle '" + bsn + "' is installed");
        return b;
    }

    private Bundle findOrNull(String bsn) {
        Bundle found = null;
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                if (found != null) return found.getVersion().compareTo(b.getVersion()) >= 0 ? found : b; // newest
                found = b;
            }
        }
        return found;
    }

    /**
     * Bundles OTA does not touch: the framework, management itself, bundles management is wired to
     * (a refresh would restart management in the middle of its own request), and bundles whose
     * services management uses (stopping them would cut the line the request came on).
     */
    private void protect(Bundle b) throws Failed {
        Bundle self = context.getBundle();
        if (b.getBundleId() == 0) throw new Failed("the system bundle is not managed over OTA");
        if (b.getBundleId() == self.getBundleId()) throw new Failed("management does not replace itself over MQTT: use deploy/ on the gateway");
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        if (wiring.getDependencyClosure(List.of(b)).contains(self)) {
            throw new Failed("'" + b.getSymbolicName() + "' is one management depends on (a refresh would restart management): use deploy/ on the gateway");
        }
        ServiceReference<?>[] used = self.getServicesInUse();
        if (used != null) {
            for (ServiceReference<?> r : used) {
                if (r.getBundle() != null && r.getBundle().getBundleId() == b.getBundleId()) {
                    throw new Failed("'" + b.getSymbolicName() + "' provides services management uses: use deploy/ on the gateway");
                }
            }
        }
    }

    private Failed refused(OtaRequest q, String id, String why) {
        progress(q.op(), q.bundle(), "refused", id, "reason", why);
        return new Failed("refused, nothing was changed: " + why, true);
    }

    private JsonObject result(Bundle b) {
        JsonObject out = Handler.ok(new JsonObject());
        out.addProperty("bundle", b.getSymbolicName());
        out.addProperty("bundle_id", b.getBundleId()); // not "id": that echoes the request's id
        out.addProperty("version", b.getVersion().toString());
        out.addProperty("state", stateName(b.getState()));
        return out;
    }

    private void progress(String op, String bundle, String step, String id, String... details) {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        if (bundle != null) o.addProperty("bundle", bundle);
        o.addProperty("step", step);
        if (id != null && !id.isEmpty()) o.addProperty("request", id);
        for (int i = 0; i + 1 < details.length; i += 2) o.addProperty(details[i], details[i + 1]);
        LOG.info("management: OTA {} {}: {}", op, bundle == null ? "" : bundle, step);
        events.accept("ota", o);
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    /** The URL without its query (it may carry a token). */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static String message(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        while (t.getCause() != null && t.getCause() != t && sb.length() < 300) {
            t = t.getCause();
            sb.append(": ").append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return firstLine(sb.toString());
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        String t = s.lines().findFirst().orElse("");
        return t.length() > 400 ? t.substring(0, 400) + "…" : t;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("management: cannot delete {}: {}", p, e.toString());
        }
    }
}
