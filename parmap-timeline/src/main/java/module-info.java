/**
 * See a parmap call as a timeline: {@link dev.parmap.timeline.TimelineRecorder} records it and
 * {@link dev.parmap.timeline.Timeline} writes it as Chrome Trace Event JSON or as a self-contained
 * HTML page.
 */
module dev.parmap.timeline {
  // transitive: TimelineRecorder is a dev.parmap.observe.ProgressListener and Timeline hands out
  // ChunkEvent and CallStats, so a module that reads dev.parmap.timeline needs dev.parmap too.
  requires transitive dev.parmap;
  requires com.fasterxml.jackson.core;
  requires static org.jspecify;

  exports dev.parmap.timeline;
}
