/**
 * Signed artifacts: {@link dev.hearth.signing.TrustedKeys} (the Ed25519 keys in
 * {@code config/trusted-keys/}), {@link dev.hearth.signing.SignedJars#verify} (every entry of a jar
 * signed by one of them, nothing added or changed since) and {@link dev.hearth.signing.SignedJars#sign}.
 * No OSGi in here: the launcher's {@code hearth sign} tool uses it on the class path.
 */
@Export
@Version("1.0.0")
package dev.hearth.signing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
