/**
 * The contracts every Hearth bundle meets through: {@link dev.hearth.api.Reading} values,
 * the {@link dev.hearth.api.ReadingPublisher} that drivers publish to, the
 * {@link dev.hearth.api.ReadingSink} whiteboard that sinks implement, and device status (with
 * {@link dev.hearth.api.StatusLogPolicy}, when a driver logs it).
 */
@Export
@Version("1.4.0")
package dev.hearth.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
