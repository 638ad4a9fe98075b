package dev.parmap.engine;

/** How a call hands its results over: one {@link Sink} per mode. */
enum Mode {
  /** Ordered results collected into a list. */
  LIST,
  /** No results. */
  FOR_EACH,
  /** Results streamed in input order. */
  ORDERED,
  /** Results streamed in completion order. */
  UNORDERED
}
