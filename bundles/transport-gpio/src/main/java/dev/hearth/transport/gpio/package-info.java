/**
 * GPIO output lines for drivers: open a line by BCM number or by chip and offset, drive it
 * high or low, pulse it, close it. The service ({@link dev.hearth.transport.gpio.GpioController})
 * is provided by the transport-gpio bundle; drivers only consume it.
 */
@Export
@Version("1.0.0")
package dev.hearth.transport.gpio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
