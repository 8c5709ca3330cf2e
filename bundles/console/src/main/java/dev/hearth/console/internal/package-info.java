/** The Gogo commands of scope {@code hearth} and the console socket. Not exported. */
package dev.hearth.console.internal;
