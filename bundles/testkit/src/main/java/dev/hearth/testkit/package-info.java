/** Fakes for unit tests of drivers and sinks, so they need no framework. */
@Export
@Version("1.0.0")
package dev.hearth.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
