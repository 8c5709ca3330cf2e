package dev.hearth.driver.kasa.internal;

import java.io.IOException;

/** A reply that is not a well-formed answer to what was asked: garbage, truncated, oversized, or JSON of the wrong shape. */
public final class MalformedReplyException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedReplyException(String message) {
        super(message);
    }

    public MalformedReplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
