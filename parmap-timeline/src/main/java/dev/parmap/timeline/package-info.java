/**
 * Timelines of parmap calls: {@link dev.parmap.timeline.TimelineRecorder} follows calls as a {@link
 * dev.parmap.observe.ProgressListener} and gives one {@link dev.parmap.timeline.Timeline} per call,
 * which writes itself as Chrome Trace Event JSON (for Perfetto or {@code chrome://tracing}) or as
 * one self-contained HTML page.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null.
 */
@NullMarked
package dev.parmap.timeline;

import org.jspecify.annotations.NullMarked;
