package dev.parmap.engine;

/**
 * The kinds of call a front end makes (a pool's calls, and a stream's gatherer): how results are
 * handed over ({@link Mode}), whether the caller waits for the whole call, and whether items report
 * {@code Outcome}s instead of failing the call fast.
 */
public enum CallKind {
  MAP("Pool.map", Mode.LIST, Waiting.WHOLE_CALL, Failing.FAST),
  FOR_EACH("Pool.forEach", Mode.FOR_EACH, Waiting.WHOLE_CALL, Failing.FAST),
  STREAM("Pool.stream", Mode.ORDERED, Waiting.STREAMED, Failing.FAST),
  STREAM_UNORDERED("Pool.streamUnordered", Mode.UNORDERED, Waiting.STREAMED, Failing.FAST),
  MAP_ASYNC("Pool.mapAsync", Mode.LIST, Waiting.WHOLE_CALL, Failing.FAST),
  MAP_OUTCOMES("Pool.mapOutcomes", Mode.LIST, Waiting.WHOLE_CALL, Failing.AS_OUTCOMES),
  STREAM_OUTCOMES("Pool.streamOutcomes", Mode.ORDERED, Waiting.STREAMED, Failing.AS_OUTCOMES),
  STREAM_OUTCOMES_UNORDERED(
      "Pool.streamOutcomesUnordered", Mode.UNORDERED, Waiting.STREAMED, Failing.AS_OUTCOMES),
  /** A stream's gatherer: items offered one at a time, results pushed on in input order. */
  GATHER("ParmapGatherers.map", Mode.ORDERED, Waiting.STREAMED, Failing.FAST);

  /** Whether someone waits for the whole call ({@code close()} waits for it too). */
  enum Waiting {
    WHOLE_CALL,
    STREAMED
  }

  /** What a failed item does. */
  enum Failing {
    FAST,
    AS_OUTCOMES
  }

  private final String what;
  private final Mode mode;
  private final Waiting waiting;
  private final Failing failing;

  CallKind(String what, Mode mode, Waiting waiting, Failing failing) {
    this.what = what;
    this.mode = mode;
    this.waiting = waiting;
    this.failing = failing;
  }

  /** The name of the call in messages, e.g. {@code Pool.map}. */
  public String what() {
    return what;
  }

  Mode mode() {
    return mode;
  }

  /** Whether the caller waits for the whole call (not a stream). */
  public boolean waitsForTheWholeCall() {
    return waiting == Waiting.WHOLE_CALL;
  }

  /** Whether items report outcomes instead of failing the call fast. */
  boolean reportsOutcomes() {
    return failing == Failing.AS_OUTCOMES;
  }
}
