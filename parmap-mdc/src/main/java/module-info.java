/**
 * Carries SLF4J's MDC from the thread that makes a parmap call into its tasks: {@link
 * dev.parmap.mdc.MdcPropagator}.
 */
module dev.parmap.mdc {
  // transitive: MdcPropagator is a dev.parmap.observe.ContextPropagator and is passed to
  // dev.parmap.MapOptions, so a module that reads this one needs dev.parmap too.
  requires transitive dev.parmap;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.parmap.mdc;
}
