/** parmap: make a loop parallel in one call, with results in input order. */
module dev.parmap {
  requires static org.jspecify;

  exports dev.parmap;
  exports dev.parmap.policy;
  exports dev.parmap.observe;
}
