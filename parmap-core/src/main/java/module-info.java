/** parmap: make a loop parallel in one call, with results in input order. */
module dev.parmap {
  requires static org.jspecify;
  requires jdk.jfr; // parmap's JFR events (disabled by default); a module of every JDK

  exports dev.parmap;
  exports dev.parmap.policy;
  exports dev.parmap.observe;
  // The engine is not API: only parmap's own front ends use it (SharedSecrets hands them the
  // core's public types and options reading).
  exports dev.parmap.engine to
      dev.parmap.gatherers,
      dev.parmap.hazelcast;
}
