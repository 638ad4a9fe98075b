/**
 * Micrometer metrics for parmap calls: {@link dev.parmap.micrometer.ParmapMetrics}, a {@link
 * dev.parmap.observe.ProgressListener} and {@link dev.parmap.observe.ContextPropagator} that
 * records calls in a Micrometer MeterRegistry.
 */
module dev.parmap.micrometer {
  // transitive: ParmapMetrics is a dev.parmap listener and propagator passed to
  // dev.parmap.MapOptions, and its factory takes a MeterRegistry, so a module that reads this one
  // needs both.
  requires transitive dev.parmap;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports dev.parmap.micrometer;
}
