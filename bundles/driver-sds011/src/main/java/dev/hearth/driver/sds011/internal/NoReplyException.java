package dev.hearth.driver.sds011.internal;

import java.io.IOException;

/** The sensor did not answer a command in time (asleep, busy, or the wrong device on the port). */
final class NoReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    NoReplyException(String message) {
        super(message);
    }
}
