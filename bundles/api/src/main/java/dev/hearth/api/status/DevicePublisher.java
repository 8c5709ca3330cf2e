package dev.hearth.api.status;

/**
 * Which bundle publishes a device's readings: the bundle that last published a reading of it
 * through the core's {@code ReadingPublisher}. Lets management know, without being told, which
 * devices must publish again after a bundle is updated.
 *
 * @param device the device id
 * @param bundleId the publishing bundle's id (kept across {@code Bundle.update}, never reused)
 * @param symbolicName its symbolic name
 * @param version its version when it last published
 * @since 1.1
 */
public record DevicePublisher(String device, long bundleId, String symbolicName, String version) {
}
