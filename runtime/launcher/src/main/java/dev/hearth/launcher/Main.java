package dev.hearth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

/**
 * The Hearth launcher: embeds Felix and runs the gateway.
 *
 * <pre>
 * run                      run the gateway (default)
 * demo                     run with the demo feature, state in data/demo (never the real data)
 * version                  print the version
 * shell [COMMAND...]       talk to the running gateway's console
 * check-features DIR SYS   build-time check: every feature parses and resolves
 * </pre>
 *
 * Exit codes: 0 normal stop (also on SIGTERM), 1 failure, 2 configuration error, 3 check failed.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String verb = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        int code;
        try {
            code = switch (verb) {
                case "run" -> gateway(false, rest);
                case "demo" -> gateway(true, rest);
                case "version", "--version" -> {
                    System.out.println("hearth " + version() + " (Apache Felix " + felixVersion() + ", Java "
                            + System.getProperty("java.version") + ")");
                    yield 0;
                }
                case "shell" -> ShellClient.run(home(), rest);
                case "keygen" -> SigningTool.keygen(rest);
                case "sign" -> SigningTool.sign(rest);
                case "verify" -> SigningTool.verify(home(), rest);
                case "check-features" -> {
                    if (rest.length != 2) {
                        throw new LauncherException("usage: check-features FEATURES_DIR SYSTEM_DIR");
                    }
                    yield new FeatureCheck(Path.of(rest[0]).toAbsolutePath().normalize(),
                            Path.of(rest[1]).toAbsolutePath().normalize()).run();
                }
                case "strip-serviceloader" -> { // the build's manifest correction (runtime/distribution/pom.xml)
                    if (rest.length != 1) {
                        throw new LauncherException("usage: strip-serviceloader JAR");
                    }
                    int removed = ServiceLoaderRequirements.strip(Path.of(rest[0]));
                    System.out.println("strip-serviceloader: " + removed + " requirement(s) removed from " + rest[0]);
                    yield 0;
                }
                case "help", "--help", "-h" -> {
                    usage();
                    yield 0;
                }
                default -> {
                    System.err.println("hearth: unknown command '" + verb + "'");
                    usage();
                    yield 2;
                }
            };
        } catch (LauncherException e) {
            System.err.println("hearth: " + e.getMessage());
            code = e.exitCode();
        } catch (RuntimeException | Error e) {
            System.err.println("hearth: unexpected failure: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    private static int gateway(boolean demo, String[] rest) throws LauncherException {
        if (rest.length > 0) {
            throw new LauncherException("'" + (demo ? "demo" : "run") + "' takes no arguments");
        }
        return new Gateway(home(), demo).run();
    }

    static void usage() {
        System.err.println("""
                usage: hearth [run | demo | version | shell [COMMAND...] | keygen DIR NAME | sign KEYSTORE JAR... | verify JAR...
                              | check-features FEATURES SYSTEM]
                  run       run the gateway (config/gateway.properties, data/)
                  demo      run the demo: no servers needed, state in data/demo
                  version   print the version
                  shell     send console commands to the running gateway
                  keygen    make an Ed25519 signing key (DIR/NAME.p12) and its certificate (DIR/NAME.pem)
                  sign      sign bundle jars in place (needs a full JDK); password from HEARTH_KEY_PASSWORD or the terminal
                  verify    check jars against config/trusted-keys/ as deploy/ and OTA do
                """);
    }

    /** {@code hearth.home}, or the parent of the directory holding the launcher jar (lib/). */
    static Path home() {
        String prop = System.getProperty("hearth.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = Files.isDirectory(jar) ? jar : jar.getParent();
            return lib.getParent().toAbsolutePath().normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through
        }
        return p.getProperty("hearth.version", "unknown");
    }

    static String felixVersion() {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of(org.apache.felix.framework.Felix.class
                .getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
            String v = jar.getManifest().getMainAttributes().getValue("Bundle-Version");
            return v == null ? "unknown" : v;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }
}
