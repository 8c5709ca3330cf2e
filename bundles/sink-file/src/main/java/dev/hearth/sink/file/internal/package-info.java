/** The JSON-lines file sink: {@link dev.hearth.sink.file.internal.JsonLinesStore} and its DS component. Not exported. */
package dev.hearth.sink.file.internal;
