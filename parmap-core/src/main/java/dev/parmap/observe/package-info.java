/**
 * Seeing a parmap call: {@link dev.parmap.observe.ProgressListener} (progress events, per-chunk
 * events for timelines, and {@link dev.parmap.observe.RunStats} at the end) and {@link
 * dev.parmap.observe.ContextPropagator} (carrying the caller's context, such as a logging MDC, into
 * the tasks). Both are set per call through {@link dev.parmap.MapOptions}.
 */
@NullMarked
package dev.parmap.observe;

import org.jspecify.annotations.NullMarked;
