package dev.hearth.driver.dht22.internal;

import java.lang.annotation.Annotation;

/** A {@link Dht22Config} for tests, starting from the annotation's defaults. */
final class Configs {
    String device = "dht22";
    String root;
    String name = "dht11";
    String select = "";
    int interval = 10;
    int retries = 2;
    int retryDelay = 2100;
    double minT = -40, maxT = 80, minH = 0, maxH = 100, tStep = 2.0, hStep = 10.0;
    int confirmations = 3;
    String powerGpio = "";
    boolean activeLow;
    int cycleAfter = 5;
    int offMs = 2000;
    int settleMs = 2000;

    Configs(String root) {
        this.root = root;
    }

    Configs select(String s) { select = s; return this; }
    Configs interval(int s) { interval = s; return this; }
    Configs retries(int r, int delayMs) { retries = r; retryDelay = delayMs; return this; }
    Configs power(String gpio, int after) { powerGpio = gpio; cycleAfter = after; return this; }
    Configs device(String d) { device = d; return this; }

    Dht22Config build() {
        Configs c = this;
        return new Dht22Config() {
            @Override public Class<? extends Annotation> annotationType() { return Dht22Config.class; }
            @Override public String device() { return c.device; }
            @Override public String iio__root() { return c.root; }
            @Override public String iio__name() { return c.name; }
            @Override public String select() { return c.select; }
            @Override public int interval__seconds() { return c.interval; }
            @Override public int retries() { return c.retries; }
            @Override public int retry__delay__ms() { return c.retryDelay; }
            @Override public double min__temperature() { return c.minT; }
            @Override public double max__temperature() { return c.maxT; }
            @Override public double min__humidity() { return c.minH; }
            @Override public double max__humidity() { return c.maxH; }
            @Override public double max__temperature__step() { return c.tStep; }
            @Override public double max__humidity__step() { return c.hStep; }
            @Override public int spike__confirmations() { return c.confirmations; }
            @Override public String power__gpio() { return c.powerGpio; }
            @Override public boolean power__active__low() { return c.activeLow; }
            @Override public int power__cycle__after() { return c.cycleAfter; }
            @Override public int power__off__ms() { return c.offMs; }
            @Override public int power__settle__ms() { return c.settleMs; }
        };
    }
}
