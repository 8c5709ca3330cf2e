package dev.hearth.driver.kasa.internal;

import java.io.IOException;

/** The plug did not answer at all: how, in {@link #reason()}, and in words in the message. */
public final class PlugUnreachableException extends IOException {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Nothing listens on the port (RST): no plug there, or a plug whose legacy port is closed. */
        REFUSED,
        /** No TCP connection within the connect timeout: the address is off the network. */
        CONNECT_TIMEOUT,
        /** Connected, but no complete reply within the read timeout. */
        NO_REPLY,
        /** Connected, and the peer closed without a byte: some firmware does this with the legacy protocol disabled. */
        CLOSED_WITHOUT_REPLY,
        /** Anything else the network said: no route, unknown host, reset. */
        NETWORK
    }

    private final Reason reason;

    public PlugUnreachableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
