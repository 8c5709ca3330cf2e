package dev.hearth.driver.sds011.internal;

import java.lang.annotation.Annotation;

/** An {@link Sds011Config} for tests, starting from the annotation's defaults. */
final class Configs {

    String port;
    String device = "sds011";
    int warmUp = 30;
    int readings = 3;
    int spacing = 2;
    int sleep = 5;
    double threshold = 35.0;
    int adaptiveSleep = 0;
    int replyTimeoutMs = 500;
    int reopenMax = 60;

    Configs(String port) {
        this.port = port;
    }

    Configs device(String d) { device = d; return this; }
    Configs reopenMax(int s) { reopenMax = s; return this; }
    Configs replyTimeout(int ms) { replyTimeoutMs = ms; return this; }

    Sds011Config build() {
        Configs c = this;
        return new Sds011Config() {
            @Override public Class<? extends Annotation> annotationType() { return Sds011Config.class; }
            @Override public String port() { return c.port; }
            @Override public String device() { return c.device; }
            @Override public int warm__up__seconds() { return c.warmUp; }
            @Override public int readings() { return c.readings; }
            @Override public int reading__spacing__seconds() { return c.spacing; }
            @Override public int sleep__minutes() { return c.sleep; }
            @Override public double adaptive__threshold() { return c.threshold; }
            @Override public int adaptive__sleep__minutes() { return c.adaptiveSleep; }
            @Override public int reply__timeout__ms() { return c.replyTimeoutMs; }
            @Override public int reopen__max__seconds() { return c.reopenMax; }
        };
    }
}
