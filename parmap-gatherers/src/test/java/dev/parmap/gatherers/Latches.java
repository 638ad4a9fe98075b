package dev.parmap.gatherers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits used by the tests: generous bounds, so that a broken promise fails instead of hanging. */
final class Latches {
  /** How long a test waits for something that should happen within milliseconds. */
  static final long PATIENCE_SECONDS = 30;

  private Latches() {}

  /** Waits for {@code latch}; throws if it did not open in time. */
  static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("latch not opened within " + PATIENCE_SECONDS + " s");
    }
  }

  /** As {@link #await}, for code that cannot throw checked exceptions (a stream stage). */
  static void awaitUnchecked(CountDownLatch latch) {
    try {
      await(latch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Blocks until the calling task is interrupted, then rethrows the interruption; throws an {@link
   * AssertionError} if no interrupt comes in time.
   */
  static void blockUntilInterrupted() throws InterruptedException {
    if (!new CountDownLatch(1).await(2 * PATIENCE_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("not interrupted within " + 2 * PATIENCE_SECONDS + " s");
    }
  }
}
