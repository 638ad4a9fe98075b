/**
 * parmap inside stream pipelines: {@link dev.parmap.gatherers.ParmapGatherers#map} is a {@link
 * java.util.stream.Gatherer} that maps a stream's elements in parallel, in encounter order. Needs
 * Java 24 or newer (the Gatherer API); {@code dev.parmap} itself runs on Java 21.
 */
module dev.parmap.gatherers {
  // transitive: Task and parmap's exceptions are part of this module's API, so a module that
  // reads dev.parmap.gatherers needs to read dev.parmap too.
  requires transitive dev.parmap;
  requires static org.jspecify;

  exports dev.parmap.gatherers;
}
