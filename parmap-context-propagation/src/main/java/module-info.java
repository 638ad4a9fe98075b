/**
 * Carries what is registered in Micrometer's ContextRegistry from the thread that makes a parmap
 * call into its tasks: {@link dev.parmap.contextpropagation.ContextRegistryPropagator}.
 */
module dev.parmap.contextpropagation {
  // transitive: ContextRegistryPropagator is a dev.parmap.observe.ContextPropagator passed to
  // dev.parmap.MapOptions, and one of its constructors takes a ContextRegistry, so a module that
  // reads this one needs both.
  requires transitive dev.parmap;
  requires transitive context.propagation;
  requires static org.jspecify;

  exports dev.parmap.contextpropagation;
}
