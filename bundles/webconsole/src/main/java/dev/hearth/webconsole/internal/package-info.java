/** The Hearth page of the Felix Web Console and the bounded reading history behind its chart. Not exported. */
package dev.hearth.webconsole.internal;
