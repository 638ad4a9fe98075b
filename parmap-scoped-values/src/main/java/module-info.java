/**
 * Carries the caller's {@code ScopedValue} bindings into the tasks of a parmap call: {@link
 * dev.parmap.scopedvalues.ScopedValuePropagator}.
 */
module dev.parmap.scopedvalues {
  // transitive: ScopedValuePropagator is a dev.parmap.observe.ContextPropagator and is passed to
  // dev.parmap.MapOptions, so a module that reads this one needs dev.parmap too.
  requires transitive dev.parmap;
  requires static org.jspecify;

  exports dev.parmap.scopedvalues;
}
