package dev.hearth.signing;

/** An artifact that must not be installed, and why. */
public final class UntrustedArtifactException extends Exception {

    private static final long serialVersionUID = 1L;

    public UntrustedArtifactException(String reason) {
        super(reason);
    }

    public UntrustedArtifactException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
