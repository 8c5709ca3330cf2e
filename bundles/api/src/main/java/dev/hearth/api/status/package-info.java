/** A read-only view of the running gateway for consoles, metrics and management. */
@Export
@Version("1.1.0")
package dev.hearth.api.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
