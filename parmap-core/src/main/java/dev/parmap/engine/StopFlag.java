package dev.parmap.engine;

/**
 * Whether a call is stopping: raised once, never lowered, read before every item. A final class
 * with one volatile field, so that the per-item check in {@link ItemRunner}'s loops is one plain
 * volatile read. Thread-safe.
 */
final class StopFlag {
  private volatile boolean raised;

  boolean isRaised() {
    return raised;
  }

  void raise() {
    raised = true;
  }
}
