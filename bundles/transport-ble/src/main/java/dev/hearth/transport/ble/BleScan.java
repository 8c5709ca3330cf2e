package dev.hearth.transport.ble;

/** A running scan; closing it stops delivering advertisements (and discovery, if it was the last). */
public interface BleScan extends AutoCloseable {
    @Override
    void close();
}
