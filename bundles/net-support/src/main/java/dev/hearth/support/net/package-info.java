/**
 * Shared by network sinks and drivers: {@link dev.hearth.support.net.TlsTrust} (verify a server
 * by a CA file, a pinned certificate fingerprint, or the system's CAs; never not at all) and
 * {@link dev.hearth.support.net.Secret} (a password or token given inline or as a file, that
 * never prints itself).
 */
@Export
@Version("1.0.0")
package dev.hearth.support.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
