package dev.parmap.observe;

import java.time.Duration;

/**
 * A call's progress at one moment.
 *
 * @param total the number of items, or -1 when the input's size is unknown
 * @param done items that finished, successfully or not
 * @param failed items that failed (their last attempt threw)
 * @param retried attempts beyond the first, over all items
 * @param elapsed time since the call started
 * @since 0.1
 */
public record Progress(long total, long done, long failed, long retried, Duration elapsed) {

  /**
   * Items finished per second so far.
   *
   * @return the rate, 0 before any time has passed
   */
  public double itemsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? done / seconds : 0;
  }
}
