package dev.hearth.driver.kasa.internal;

import java.io.IOException;

/** The plug understood the request and answered a non-zero {@code err_code} (e.g. -1 "module not support", -14 "entry not exist"). */
public final class DeviceRefusedException extends IOException {

    private static final long serialVersionUID = 1L;
    private final int errCode;

    public DeviceRefusedException(String what, int errCode, String errMsg) {
        super(what + " refused by the plug: err_code " + errCode + (errMsg == null || errMsg.isEmpty() ? "" : " (" + errMsg + ")"));
        this.errCode = errCode;
    }

    public int errCode() {
        return errCode;
    }
}
