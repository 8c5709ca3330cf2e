/** The JSON form of a {@link dev.hearth.api.Reading}: one format for files, MQTT payloads and whatever comes next. */
@Export
@Version("1.3.0")
package dev.hearth.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
