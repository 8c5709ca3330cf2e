package dev.hearth.transport.serial;

/** Line settings of a port. */
public record SerialSettings(int baud, int dataBits, Parity parity, StopBits stopBits) {

    public enum Parity { NONE, ODD, EVEN, MARK, SPACE }

    public enum StopBits { ONE, ONE_POINT_FIVE, TWO }

    public SerialSettings {
        if (baud < 50 || baud > 4_000_000) throw new IllegalArgumentException("baud must be within 50..4000000, is " + baud);
        if (dataBits < 5 || dataBits > 8) throw new IllegalArgumentException("data bits must be within 5..8, is " + dataBits);
        if (parity == null) throw new IllegalArgumentException("parity is required");
        if (stopBits == null) throw new IllegalArgumentException("stop bits are required");
    }

    /** {@code baud}, 8 data bits, no parity, one stop bit: what most sensors speak. */
    public static SerialSettings eightN1(int baud) {
        return new SerialSettings(baud, 8, Parity.NONE, StopBits.ONE);
    }
}
