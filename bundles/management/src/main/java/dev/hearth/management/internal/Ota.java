package dev.hearth.management.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.DevicePublisher;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.signing.SignedJars;
import dev.hearth.signing.TrustedKeys;
import dev.hearth.signing.UntrustedArtifactException;

/**
 * OTA of bundles and features, run by management's one worker. A bundle install or update is a
 * set of one, a feature a set of several, and both take the same path: every artifact checked
 * before anything changes (SHA-256, signature by a trusted key, symbolic-name rules), then all
 * applied, refreshed once, started and health-checked together, with an automatic rollback of the
 * whole set to the saved previous jars when anything fails. The progress is kept in
 * {@link OtaState} before each step, so that {@link #recover} can finish or undo a set the gateway
 * died in. Every step is announced on {@code events/ota}.
 */
final class Ota {

    private static final Logger LOG = LoggerFactory.getLogger(Ota.class);
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(60);
    /** A healthy state must hold this long (or half the grace period, if shorter) before it counts: DS activates asynchronously. */
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
        /** A feature's results per bundle, or null. */
        transient JsonArray results;

        Failed(String message) {
            this(message, false);
        }

        Failed(String message, boolean announced) {
            super(message, null, false, false);
            this.announced = announced;
        }
    }

    /** Whom an OTA's events are about: the request's operation and id, the feature (or null), the bundle named in the request (or null). */
    private record Run(String op, String id, String feature, String bundle) {
    }

    JsonObject handle(Request r) throws Exception {
        OtaRequest q = OtaRequest.parse(r.op(), r.body(), maxBytes);
        Run run = new Run(q.op(), r.id(), q.feature(), q.bundle());
        try {
            return switch (q.op()) {
                case "bundle/list" -> list();
                case "feature/list" -> featureList();
                case "bundle/start", "bundle/stop" -> startStop(q, run);
                case "bundle/uninstall", "feature/uninstall" -> uninstall(q, run);
                default -> apply(q, run); // bundle/install, bundle/update, feature/install: a set of one or more
            };
        } catch (Failed e) {
            if (!e.announced) progress(run, q.bundle(), "refused", "reason", e.getMessage());
            JsonObject out = Handler.error(e.getMessage());
            if (q.feature() != null) out.addProperty("feature", q.feature());
            if (e.results != null) out.add("results", e.results);
            return out;
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

    /**
     * The features installed over OTA here (their records in the OTA folder), each with its
     * bundles as they are now: version and state, or {@code "missing"} when one was removed by
     * other means. A record that cannot be read is listed with the reason.
     */
    private JsonObject featureList() throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.newDirectoryStream(dir, "*.feature.json")) {
                for (Path f : files) {
                    String file = f.getFileName().toString();
                    names.add(file.substring(0, file.length() - ".feature.json".length()));
                }
            }
        }
        java.util.Collections.sort(names);
        JsonArray features = new JsonArray();
        for (String name : names) {
            JsonObject o = new JsonObject();
            o.addProperty("feature", name);
            try {
                JsonArray bundles = new JsonArray();
                for (String bsn : readFeature(OtaRequest.feature(name))) {
                    JsonObject m = new JsonObject();
                    m.addProperty("bundle", bsn);
                    Bundle b = findOrNull(bsn);
                    if (b == null) {
                        m.addProperty("state", "missing");
                    } else {
                        m.addProperty("version", b.getVersion().toString());
                        m.addProperty("state", stateName(b.getState()));
                    }
                    bundles.add(m);
                }
                o.add("bundles", bundles);
            } catch (Failed | IllegalArgumentException e) {
                o.addProperty("error", e.getMessage());
            }
            features.add(o);
        }
        JsonObject out = Handler.ok(new JsonObject());
        out.add("features", features);
        return out;
    }

    private JsonObject startStop(OtaRequest q, Run run) throws Failed {
        Bundle b = find(q.bundle());
        boolean start = q.op().equals("bundle/start");
        if (!start) protect(b);
        try {
            if (start) b.start();
            else b.stop();
        } catch (BundleException | IllegalStateException e) {
            progress(run, q.bundle(), "failed", "reason", message(e));
            throw new Failed(q.bundle() + ": " + (start ? "start" : "stop") + " failed: " + message(e), true);
        }
        progress(run, q.bundle(), start ? "started" : "stopped", "state", stateName(b.getState()));
        return result(b);
    }

    /**
     * {@code bundle/uninstall} (one) and {@code feature/uninstall} (the feature's bundles, as named
     * or as recorded when it was installed): every bundle checked first (a protected one refuses
     * the whole request), then all uninstalled and refreshed once.
     */
    private JsonObject uninstall(OtaRequest q, Run run) throws Failed {
        boolean feature = q.feature() != null;
        List<String> names = !feature ? List.of(q.bundle())
                : q.members().isEmpty() ? readFeature(q.feature()) : q.members().stream().map(OtaRequest.Source::bundle).toList();
        Map<String, Bundle> found = new java.util.LinkedHashMap<>();
        for (String n : names) {
            Bundle b = feature ? findOrNull(n) : find(n);
            if (b == null) continue; // a feature's bundle removed meanwhile: nothing to do for it
            try {
                protect(b);
            } catch (Failed e) {
                if (!feature) throw e;
                throw new Failed("refused, nothing was changed: " + e.getMessage());
            }
            found.put(n, b);
        }
        JsonArray results = new JsonArray();
        List<Bundle> removed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String n : names) {
            JsonObject o = new JsonObject();
            o.addProperty("bundle", n);
            Bundle b = found.get(n);
            if (b == null) {
                o.addProperty("status", "not_installed");
            } else {
                String version = b.getVersion().toString();
                o.addProperty("version", version);
                try {
                    b.uninstall();
                    removed.add(b);
                    o.addProperty("status", "uninstalled");
                } catch (BundleException | IllegalStateException e) {
                    if (!feature) throw new Failed(n + ": uninstall failed: " + message(e));
                    o.addProperty("status", "failed");
                    o.addProperty("reason", message(e));
                    failures.add(n + ": " + message(e));
                }
            }
            results.add(o);
        }
        try {
            if (!removed.isEmpty()) refresh(removed);
        } catch (BundleException e) {
            if (!feature) throw new Failed(q.bundle() + ": uninstall failed: " + message(e));
            failures.add("refresh: " + message(e));
        }
        for (JsonElement e : results) {
            JsonObject o = e.getAsJsonObject();
            if (!"uninstalled".equals(field(o, "status"))) continue;
            deleteQuietly(dir.resolve(field(o, "bundle") + ".current.jar"));
            progress(run, field(o, "bundle"), "uninstalled", "version", field(o, "version"));
        }
        if (!feature) {
            JsonObject out = Handler.ok(new JsonObject());
            out.addProperty("bundle", q.bundle());
            out.addProperty("version", field(results.get(0).getAsJsonObject(), "version"));
            out.addProperty("state", "UNINSTALLED");
            return out;
        }
        if (failures.isEmpty()) deleteQuietly(featureFile(q.feature()));
        JsonObject out = failures.isEmpty() ? Handler.ok(new JsonObject()) : Handler.error("uninstall failed for " + failures);
        out.addProperty("feature", q.feature());
        out.add("results", results);
        return out;
    }

    /** The fetched and verified artifact: where it lies and what it is. */
    private record Artifact(Path file, String sha256, List<String> signers, String bundle, Version version) {
    }

    /** One bundle of the set an install, update or feature request applies, and what happened to it. */
    private static final class Member {
        final int index;
        final OtaRequest.Source source;
        Artifact artifact;
        /** The symbolic name, once known. */
        String name;
        /** Whether it replaces an installed bundle (else it is installed new). */
        boolean update;
        /** The installed bundle it replaces, or the one installed for it. */
        Bundle bundle;
        String from = "";
        String to = "";
        /** The running version's jar, saved for the rollback (updates). */
        Path previous;
        /** The framework was asked to change it: it must be undone on failure. */
        boolean touched;
        String status = "not_applied";
        String reason;

        Member(int index, OtaRequest.Source source) {
            this.index = index;
            this.source = source;
        }
    }

    /**
     * Install, update or feature install: a set of one or more bundles. Every artifact fetched and
     * verified before anything changes; then all applied (updated or installed), refreshed once,
     * started, and health-checked together; any failure undoes all of them.
     */
    private JsonObject apply(OtaRequest q, Run run) throws Exception {
        if (q.op().equals("bundle/update")) protect(find(q.bundle())); // refused before anything is fetched
        List<Member> set = new ArrayList<>();
        for (int i = 0; i < q.members().size(); i++) set.add(new Member(i, q.members().get(i)));
        try {
            verifyAll(q, run, set);
            return applyVerified(q, run, set);
        } finally {
            for (Member m : set) if (m.artifact != null) deleteQuietly(m.artifact.file());
        }
    }

    /** Fetches and checks every member, and the set's rules; nothing in the framework is touched. */
    private void verifyAll(OtaRequest q, Run run, List<Member> set) throws Failed, IOException {
        boolean feature = q.feature() != null;
        long total = 0;
        for (Member m : set) {
            String where = feature ? "bundles[" + m.index + "]: " : "";
            try {
                m.artifact = fetchAndVerify(m, run, where);
                m.name = m.artifact.bundle();
                m.to = m.artifact.version().toString();
                total += Files.size(m.artifact.file());
                if (total > maxBytes) throw refused(run, m.name, where + "the feature's artifacts together are larger than " + maxBytes + " bytes (ota_max_kib)");
                for (Member o : set) {
                    if (o != m && m.name.equals(o.name)) throw refused(run, m.name, where + "'" + m.name + "' is in the feature twice");
                }
                Bundle installed = findOrNull(m.name);
                if (q.op().equals("bundle/install")) {
                    if (installed != null) throw refused(run, m.name, "'" + m.name + "' is installed already: use bundle/update");
                } else if (installed != null) {
                    try {
                        protect(installed);
                    } catch (Failed e) {
                        throw refused(run, m.name, where + e.getMessage());
                    }
                    m.update = true;
                    m.bundle = installed;
                    m.from = installed.getVersion().toString();
                    // the running version's jar, for the rollback, before anything changes
                    m.previous = dir.resolve(m.name + ".previous.jar");
                    savePrevious(installed, m.previous, run, where);
                } else if (!feature) {
                    throw refused(run, m.name, "no bundle '" + m.name + "' is installed");
                }
            } catch (Failed e) {
                m.status = "refused";
                m.reason = e.getMessage();
                if (feature) e.results = results(set);
                throw e;
            }
        }
    }

    /** Fetches one artifact into the OTA folder and checks all of it; nothing in the framework is touched. */
    private Artifact fetchAndVerify(Member m, Run run, String where) throws Failed, IOException {
        OtaRequest.Source q = m.source;
        Files.createDirectories(dir);
        Path file = dir.resolve(m.index == 0 ? "incoming.jar" : "incoming-" + m.index + ".jar");
        Files.deleteIfExists(file);
        progress(run, q.bundle(), "fetching", "source", q.url() != null ? redact(q.url()) : "inline");
        if (q.url() != null) {
            try {
                download.fetch(q.url(), file);
            } catch (IOException | RuntimeException e) {
                throw refused(run, q.bundle(), where + "download failed: " + message(e));
            }
        } else {
            Files.write(file, q.data());
        }
        try {
            String sha = SignedJars.sha256(file);
            if (!sha.equalsIgnoreCase(q.sha256())) {
                throw refused(run, q.bundle(), where + "SHA-256 mismatch: the artifact has " + sha + ", the request expects " + q.sha256());
            }
            TrustedKeys keys = TrustedKeys.load(trustedKeys);
            if (keys.isEmpty()) throw refused(run, q.bundle(), "no trusted keys in " + trustedKeys + ": nothing can be verified");
            SignedJars.Verified v;
            try {
                v = SignedJars.verify(file, keys, maxBytes);
            } catch (UntrustedArtifactException e) {
                throw refused(run, q.bundle(), where + "signature: " + e.getMessage());
            }
            String bsn;
            Version version;
            try (JarFile jar = new JarFile(file.toFile(), false)) {
                Manifest mf = jar.getManifest();
                Attributes a = mf == null ? new Attributes() : mf.getMainAttributes();
                if (!"2".equals(trim(a.getValue(Constants.BUNDLE_MANIFESTVERSION)))) throw refused(run, q.bundle(), where + "not an OSGi R4+ bundle (Bundle-ManifestVersion is not 2)");
                if (a.getValue(Constants.FRAGMENT_HOST) != null) throw refused(run, q.bundle(), where + "fragments are not handled by OTA");
                String raw = trim(a.getValue(Constants.BUNDLE_SYMBOLICNAME));
                if (raw == null) throw refused(run, q.bundle(), where + "no Bundle-SymbolicName");
                bsn = raw.split(";", 2)[0].trim();
                try {
                    OtaRequest.symbolicName(bsn);
                    version = Version.parseVersion(trim(a.getValue(Constants.BUNDLE_VERSION)));
                } catch (IllegalArgumentException e) {
                    throw refused(run, q.bundle(), where + "bad manifest: " + e.getMessage());
                }
            }
            if (q.bundle() != null && !q.bundle().equals(bsn)) {
                throw refused(run, q.bundle(), where + "symbolic name mismatch: the artifact is '" + bsn + "', not '" + q.bundle() + "'");
            }
            progress(run, bsn, "verified", "sha256", v.sha256(), "version", version.toString());
            return new Artifact(file, v.sha256(), List.copyOf(new java.util.TreeSet<>(v.signers())), bsn, version);
        } catch (Failed | RuntimeException | IOException e) {
            deleteQuietly(file);
            throw e;
        } catch (UntrustedArtifactException e) {
            deleteQuietly(file);
            throw refused(run, q.bundle(), where + e.getMessage());
        }
    }

    /** Applies a verified set: the progress written to the state file before each step; undone as a whole on any failure. */
    private JsonObject applyVerified(OtaRequest q, Run run, List<Member> set) throws Exception {
        boolean feature = q.feature() != null;
        String label = feature ? null : set.get(0).name;
        int grace = q.graceSeconds() > 0 ? q.graceSeconds() : defaultGrace;
        // without a list: every device the replaced bundles published must publish again
        List<String> devices = q.devicesGiven() ? q.devices() : published(set);
        List<OtaState.Member> members = new ArrayList<>();
        for (Member m : set) {
            members.add(new OtaState.Member(m.update ? "update" : "install", m.name, m.from, m.to,
                    m.update ? m.previous.getFileName().toString() : ""));
        }
        OtaState state = new OtaState(feature ? "feature" : q.op().equals("bundle/install") ? "install" : "update",
                feature ? q.feature() : "", "staged", run.id() == null ? "" : run.id(), grace, devices, Instant.now(), members);
        state.write(dir);
        state = state.at("updating");
        state.write(dir);
        String problem = null;
        for (Member m : set) { // in the order given: updates and installs
            try (InputStream in = Files.newInputStream(m.artifact.file())) {
                if (m.update) {
                    progress(run, m.name, "updating", "from_version", m.from, "to_version", m.to);
                    m.touched = true;
                    m.bundle.update(in);
                } else {
                    m.bundle = context.installBundle("ota:" + m.name, in);
                    m.touched = true;
                    progress(run, m.name, "installed", "version", m.to);
                }
            } catch (BundleException | IllegalStateException | IOException e) {
                problem = (feature ? m.name + ": " : "") + (m.update ? "update failed: " : "the framework refused the bundle: ") + message(e);
                m.reason = message(e);
                break;
            }
        }
        if (problem != null && set.stream().noneMatch(m -> m.touched)) {
            OtaState.clear(dir);
            Failed f = refused(run, label, problem);
            if (feature) f.results = results(set);
            throw f;
        }
        if (problem == null) {
            List<Bundle> updated = set.stream().filter(m -> m.update).map(m -> m.bundle).toList();
            try {
                if (!updated.isEmpty()) refresh(updated);
            } catch (BundleException e) {
                problem = "refresh failed: " + message(e);
            }
        }
        if (problem == null && q.start()) {
            for (Member m : set) {
                try {
                    m.bundle.start();
                } catch (BundleException | IllegalStateException e) {
                    problem = (feature ? m.name + ": " : "") + "start failed: " + message(e);
                    m.reason = message(e);
                    break;
                }
            }
        }
        if (problem == null && q.start()) {
            // counted after the new versions started: readings the old ones published before they stopped do not count
            Map<String, Long> before = readings();
            state.at("checking").write(dir);
            progress(run, label, "checking", "grace_s", String.valueOf(grace), "devices", String.join(",", devices));
            Problem p = health(set.stream().map(m -> m.bundle).toList(), grace, devices, before, run, label);
            if (p != null) {
                problem = p.text();
                for (Member m : set) if (m.name.equals(p.bundle())) m.reason = p.text();
            }
        }
        if (problem != null) {
            state.at("rolling_back").write(dir);
            if (Thread.currentThread().isInterrupted()) {
                // management is stopping: the state file stays, the next start undoes it
                throw new InterruptedException("management stopped during the OTA; it is undone at the next start");
            }
            progress(run, label, "rolling_back", "reason", problem);
            boolean undone = undo(set);
            OtaState.clear(dir);
            Member one = set.get(0);
            if (feature) {
                progress(run, null, undone ? "rolled_back" : "rollback_failed", "reason", problem);
            } else if (one.update) {
                progress(run, label, undone ? "rolled_back" : "rollback_failed", "reason", problem,
                        "version", one.bundle.getVersion().toString(), "state", stateName(one.bundle.getState()));
            } else {
                progress(run, label, undone ? "rolled_back" : "rollback_failed", "reason", problem);
            }
            JsonObject out;
            if (feature) {
                out = Handler.error("health check failed: " + problem + (undone ? "; all " + set.size() + " bundles were undone"
                        : "; undoing failed for " + set.stream().filter(m -> m.status.equals("rollback_failed")).map(m -> m.name).toList()));
                out.addProperty("feature", q.feature());
                out.addProperty("rolled_back", undone);
                out.add("results", results(set));
            } else if (one.update) {
                out = Handler.error("health check failed: " + problem + (undone
                        ? "; rolled back to " + one.bundle.getVersion() + " (" + stateName(one.bundle.getState()) + ")"
                        : "; the rollback failed too: " + one.reason));
                out.addProperty("bundle", one.name);
                out.addProperty("rolled_back", undone);
                out.addProperty("version", one.bundle.getVersion().toString());
                out.addProperty("state", stateName(one.bundle.getState()));
            } else {
                out = Handler.error("health check failed: " + problem + (undone ? "; uninstalled again" : "; uninstalling it failed too: " + one.reason));
                out.addProperty("bundle", one.name);
                out.addProperty("rolled_back", undone);
            }
            return out;
        }
        for (Member m : set) {
            Files.copy(m.artifact.file(), dir.resolve(m.name + ".current.jar"), StandardCopyOption.REPLACE_EXISTING);
            m.status = m.update ? "updated" : "installed";
        }
        if (feature) writeFeature(q.feature(), set.stream().map(m -> m.name).toList());
        OtaState.clear(dir);
        Member one = set.get(0);
        if (feature) {
            progress(run, null, "done", "bundles", String.join(",", set.stream().map(m -> m.name).toList()));
            JsonObject out = Handler.ok(new JsonObject());
            out.addProperty("feature", q.feature());
            out.add("results", results(set));
            return out;
        }
        if (one.update) progress(run, label, "done", "from_version", one.from, "to_version", one.to);
        else progress(run, label, "done", "version", one.to, "state", stateName(one.bundle.getState()));
        JsonObject out = result(one.bundle);
        if (one.update) out.addProperty("from_version", one.from);
        out.addProperty("sha256", one.artifact.sha256());
        out.add("signers", Handler.strings(one.artifact.signers()));
        return out;
    }

    /** The devices the set's replaced bundles published (by bundle id, kept across an update), as the core recorded them. */
    private List<String> published(List<Member> set) {
        GatewayStatus s = status.get();
        if (s == null) return List.of();
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (Member m : set) if (m.update) ids.add(m.bundle.getBundleId());
        if (ids.isEmpty()) return List.of();
        return s.publishers().stream().filter(p -> ids.contains(p.bundleId())).map(DevicePublisher::device).sorted()
                .limit(OtaState.MAX_DEVICES).toList();
    }

    /** Per member: what it is and what happened to it, for a feature's answer. */
    private static JsonArray results(List<Member> set) {
        JsonArray out = new JsonArray();
        for (Member m : set) {
            JsonObject o = new JsonObject();
            o.addProperty("index", m.index);
            String name = m.name != null ? m.name : m.source == null ? null : m.source.bundle();
            if (name != null) o.addProperty("bundle", name);
            if (m.name != null) o.addProperty("action", m.update ? "update" : "install");
            o.addProperty("status", m.status);
            if (m.update) o.addProperty("from_version", m.from);
            if (!m.to.isEmpty()) o.addProperty("to_version", m.to);
            if (m.bundle != null && m.bundle.getState() != Bundle.UNINSTALLED) {
                o.addProperty("bundle_id", m.bundle.getBundleId());
                o.addProperty("version", m.bundle.getVersion().toString());
                o.addProperty("state", stateName(m.bundle.getState()));
            }
            if (m.artifact != null) o.addProperty("sha256", m.artifact.sha256());
            if (m.reason != null) o.addProperty("reason", m.reason);
            out.add(o);
        }
        return out;
    }

    /**
     * Copies the running version's jar to {@code target}: the jar OTA installed last (if it is that
     * version), else the bundle's location when it is a file holding that version. The framework's
     * own cache is not used (its layout is Felix's business).
     */
    private void savePrevious(Bundle b, Path target, Run run, String where) throws Failed, IOException {
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
        throw refused(run, b.getSymbolicName(), where + "the running version's jar is not available for a rollback (location " + location
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

    /**
     * Undoes the touched members of a set: updated ones back to their saved jars and installed ones
     * removed (in reverse order), one refresh, the restored ones started. Each member's status
     * says what happened; true if all of it worked (every restored bundle ACTIVE).
     */
    private boolean undo(List<Member> set) {
        boolean ok = true;
        List<Bundle> refresh = new ArrayList<>();
        for (int i = set.size() - 1; i >= 0; i--) {
            Member m = set.get(i);
            if (!m.touched) continue;
            if (m.update) {
                if (!Files.isRegularFile(m.previous)) {
                    m.status = "rollback_failed";
                    m.reason = "the previous jar " + m.previous.getFileName() + " is missing";
                    ok = false;
                    continue;
                }
                try (InputStream in = Files.newInputStream(m.previous)) {
                    m.bundle.update(in);
                    refresh.add(m.bundle);
                } catch (BundleException | IllegalStateException | IOException e) {
                    m.status = "rollback_failed";
                    m.reason = message(e);
                    ok = false;
                }
            } else {
                try {
                    m.bundle.uninstall();
                    refresh.add(m.bundle);
                    m.status = "uninstalled";
                } catch (BundleException | IllegalStateException e) {
                    m.status = "rollback_failed";
                    m.reason = message(e);
                    ok = false;
                }
            }
        }
        try {
            if (!refresh.isEmpty()) refresh(refresh);
        } catch (BundleException e) {
            LOG.warn("management: refresh after the rollback failed: {}", message(e));
            ok = false;
        }
        for (Member m : set) {
            if (!m.touched || !m.update || m.status.equals("rollback_failed")) continue;
            String why = null;
            try {
                m.bundle.start();
            } catch (BundleException | IllegalStateException e) {
                why = message(e);
            }
            if (m.bundle.getState() == Bundle.ACTIVE) {
                m.status = "rolled_back";
            } else {
                m.status = "rollback_failed";
                m.reason = why != null ? why : "the previous version is " + stateName(m.bundle.getState());
                ok = false;
            }
        }
        return ok;
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
     * Why a set is not healthy: the bundle concerned (or null: the devices), the reason, and
     * whether waiting cannot help (a component failed to activate).
     */
    record Problem(String bundle, String text, boolean fatal) {
    }

    /**
     * Null when, within {@code graceSeconds}, every bundle of the set is ACTIVE, none of their
     * enabled components is unsatisfied in a reference or failed to activate, and each of
     * {@code devices} published a reading after {@code before} was taken; all of it holding for a
     * short settling time. Else the last problem found.
     */
    Problem health(List<Bundle> bundles, int graceSeconds, List<String> devices, Map<String, Long> before, Run run, String label)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(graceSeconds);
        // at most half the grace period: a settle as long as the grace could never be seen out within it
        long settle = Math.min(SETTLE.toNanos(), TimeUnit.SECONDS.toNanos(graceSeconds) / 2);
        Problem problem;
        do {
            problem = problem(bundles, devices, before);
            long now = System.nanoTime();
            if (problem == null && now - start >= settle) {
                progress(run, label, "healthy", "after_ms", String.valueOf((now - start) / 1_000_000));
                return null;
            }
            if (problem != null && problem.fatal()) return problem;
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < deadline);
        return problem != null ? problem : new Problem(null, "not healthy within " + graceSeconds + " s", false);
    }

    private Problem problem(List<Bundle> bundles, List<String> devices, Map<String, Long> before) {
        boolean many = bundles.size() > 1;
        for (Bundle b : bundles) {
            String bsn = b.getSymbolicName();
            String prefix = many ? bsn + ": " : "";
            if (b.getState() != Bundle.ACTIVE) return new Problem(bsn, prefix + "the bundle is " + stateName(b.getState()) + ", not ACTIVE", false);
            ServiceComponentRuntime runtime = scr.get();
            if (runtime == null) continue;
            for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs(b)) {
                if (!runtime.isComponentEnabled(d)) continue;
                for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                        List<String> missing = new ArrayList<>();
                        if (c.unsatisfiedReferences != null) for (var u : c.unsatisfiedReferences) missing.add(u.name + " (" + u.target + ")");
                        return new Problem(bsn, prefix + "component " + d.name + " has unsatisfied references " + missing, false);
                    }
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        return new Problem(bsn, prefix + "component " + d.name + " failed to activate: " + firstLine(c.failure), true);
                    }
                }
            }
        }
        if (!devices.isEmpty()) {
            GatewayStatus s = status.get();
            if (s == null) return new Problem(null, "no gateway status service to watch readings of " + devices, false);
            Map<String, Long> now = new HashMap<>();
            for (DeviceInfo d : s.devices()) now.put(d.device(), d.readings());
            // A reading the old version published just before it stopped may be counted (committed)
            // after "before" was taken: a device one of the set's bundles publishes only counts once
            // the core saw that bundle's new version publish it.
            Map<Long, String> versions = new HashMap<>();
            for (Bundle b : bundles) versions.put(b.getBundleId(), b.getVersion().toString());
            Map<String, DevicePublisher> publishers = new HashMap<>();
            for (DevicePublisher p : s.publishers()) publishers.put(p.device(), p);
            List<String> silent = new ArrayList<>();
            for (String d : devices) {
                DevicePublisher p = publishers.get(d);
                boolean oldVersion = p != null && versions.containsKey(p.bundleId()) && !p.version().equals(versions.get(p.bundleId()));
                if (oldVersion || now.getOrDefault(d, 0L) <= before.getOrDefault(d, 0L)) silent.add(d);
            }
            if (!silent.isEmpty()) return new Problem(null, "no new readings from " + silent, false);
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
     * At activation: an OTA the gateway died in is finished or undone as a whole (see
     * {@link OtaState#decide}). Returns what was done, also announced on {@code events/ota}; null
     * if there was nothing to do.
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
        boolean feature = s.op().equals("feature");
        Run run = new Run("recovery", s.request(), feature ? s.feature() : null, null);
        String label = feature ? null : s.members().get(0).bundle();
        List<Member> set = new ArrayList<>();
        for (OtaState.Member sm : s.members()) {
            Member m = new Member(set.size(), null);
            m.name = sm.bundle();
            m.update = sm.update();
            m.from = sm.fromVersion();
            m.to = sm.toVersion();
            m.previous = m.update ? dir.resolve(sm.previousJar()) : null;
            m.bundle = findOrNull(sm.bundle());
            m.touched = m.bundle != null;
            set.add(m);
        }
        OtaState.Decision decision = s.decideSet(bsn -> {
            Bundle b = findOrNull(bsn);
            return b == null ? null : b.getVersion().toString();
        });
        LOG.warn("management: found an interrupted OTA ({} {} at step {}): {}", s.op(), s.label(), s.step(), decision);
        String outcome;
        String reason = null;
        try {
            switch (decision) {
                case DISCARD -> outcome = set.stream().noneMatch(m -> m.touched) && !s.step().equals("staged")
                        ? "discarded: the bundle" + (set.size() > 1 ? "s are" : " is") + " not installed"
                        : "discarded: nothing had been changed";
                case CHECK -> {
                    List<Bundle> bundles = set.stream().map(m -> m.bundle).toList();
                    Problem p = health(bundles, s.graceSeconds(), s.devices(), readings(), run, label);
                    if (p == null) {
                        set.forEach(m -> m.status = m.update ? "updated" : "installed");
                        outcome = "completed: " + (feature ? "feature " + s.feature() : label + " " + set.get(0).bundle.getVersion())
                                + " passed the health check";
                    } else {
                        reason = p.text();
                        outcome = undone(set, undo(set), feature) + " (unhealthy)";
                    }
                }
                default -> outcome = undone(set, undo(set), feature);
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
        if (feature) o.addProperty("feature", s.feature());
        else o.addProperty("bundle", label);
        o.addProperty("interrupted", s.op());
        o.addProperty("step", s.step());
        o.addProperty("decision", decision.name().toLowerCase(Locale.ROOT));
        o.addProperty("outcome", outcome);
        if (reason != null) o.addProperty("reason", reason);
        if (!s.request().isEmpty()) o.addProperty("request", s.request());
        if (feature) {
            o.add("results", results(set));
        } else {
            Bundle now = findOrNull(label);
            if (now != null) {
                o.addProperty("version", now.getVersion().toString());
                o.addProperty("state", stateName(now.getState()));
            }
        }
        LOG.warn("management: OTA recovery of {}: {}", s.label(), outcome);
        events.accept("ota", o);
        return o;
    }

    /** What {@link #undo} did, in words: for one bundle as before ("rolled back to 1.0.0", "uninstalled"), for a feature per bundle. */
    private static String undone(List<Member> set, boolean ok, boolean feature) {
        if (!feature) {
            Member m = set.get(0);
            if (!m.update) return ok ? "uninstalled" : "uninstall failed: " + m.reason;
            return ok ? "rolled back to " + m.bundle.getVersion() : "rollback failed: " + m.reason;
        }
        List<String> parts = new ArrayList<>();
        for (Member m : set) {
            String what = switch (m.status) {
                case "rolled_back" -> "back to " + m.bundle.getVersion();
                case "rollback_failed" -> "failed: " + m.reason;
                case "uninstalled" -> "uninstalled";
                default -> "not installed";
            };
            parts.add(m.name + " " + what);
        }
        return (ok ? "rolled back: " : "rollback failed: ") + String.join(", ", parts);
    }

    private Path featureFile(String feature) {
        return dir.resolve(OtaRequest.feature(feature) + ".feature.json");
    }

    /** Remembers a feature's bundles (for feature/uninstall without a list): a temporary file, then renamed over. */
    private void writeFeature(String feature, List<String> bundles) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("feature", feature);
        o.add("bundles", Handler.strings(bundles));
        Path target = featureFile(feature);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bundles recorded for a feature; read as outside input (bounded, strict, names checked). */
    private List<String> readFeature(String feature) throws Failed {
        Path f = featureFile(feature);
        try {
            if (!Files.isRegularFile(f)) throw new Failed("no feature '" + feature + "' was installed over OTA here: name its 'bundles'");
            if (Files.size(f) > 16 * 1024) throw new IOException("too large");
            JsonReader reader = new JsonReader(new java.io.StringReader(Files.readString(f, StandardCharsets.UTF_8)));
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(3);
            JsonElement e = JsonParser.parseReader(reader);
            if (!e.isJsonObject()) throw new IOException("not an object");
            Json.only(e.getAsJsonObject(), java.util.Set.of("feature", "bundles"), f.getFileName().toString());
            JsonArray a = Json.optArray(e.getAsJsonObject(), "bundles", OtaRequest.MAX_MEMBERS);
            if (a == null) throw new IOException("no bundles");
            List<String> out = new ArrayList<>();
            for (JsonElement n : a) out.add(OtaRequest.symbolicName(n.getAsString()));
            return out;
        } catch (IOException | RuntimeException e) {
            throw new Failed("the record of feature '" + feature + "' is unusable (" + message(e) + "): name its 'bundles'");
        }
    }

    private static String field(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsString();
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

    private Failed refused(Run run, String bundle, String why) {
        progress(run, bundle, "refused", "reason", why);
        return new Failed("refused, nothing was changed: " + why, true);
    }

    /** An event of this run: the feature's name added for a feature. */
    private void progress(Run run, String bundle, String step, String... details) {
        if (run.feature() == null) {
            progress(run.op(), bundle, step, run.id(), details);
            return;
        }
        String[] d = java.util.Arrays.copyOf(details, details.length + 2);
        d[details.length] = "feature";
        d[details.length + 1] = run.feature();
        progress(run.op(), bundle, step, run.id(), d);
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
