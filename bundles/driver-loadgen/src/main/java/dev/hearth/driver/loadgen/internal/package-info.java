/** The load generator driver: {@link dev.hearth.driver.loadgen.internal.LoadRunner} and its DS component. Not exported. */
package dev.hearth.driver.loadgen.internal;
