/**
 * Seeing a parmap call: a {@link dev.parmap.observe.ProgressListener} is told when each call starts
 * ({@link dev.parmap.observe.CallInfo}) and returns the {@link dev.parmap.observe.CallObserver}
 * that follows that call alone ({@link dev.parmap.observe.Progress} events, per-chunk {@link
 * dev.parmap.observe.ChunkEvent}s for timelines, and {@link dev.parmap.observe.CallStats} at the
 * end); a {@link dev.parmap.observe.ContextPropagator} carries the caller's context, such as a
 * logging MDC, into the tasks. Both are set per call through {@link dev.parmap.MapOptions}.
 */
@NullMarked
package dev.parmap.observe;

import org.jspecify.annotations.NullMarked;
