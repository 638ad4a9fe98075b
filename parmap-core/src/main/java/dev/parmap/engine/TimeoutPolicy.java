package dev.parmap.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The per-attempt timeout of a call, as a link of the policy chain: an alarm on the pool's timer
 * interrupts the chunk's thread if the attempt is still running when it fires; the attempt then
 * fails with a {@link TimeoutException} (whose cause is what the task threw on interruption).
 */
final class TimeoutPolicy {
  private TimeoutPolicy() {}

  /** {@code next}, each attempt of which is interrupted after {@code limit}. */
  static Step wrap(Duration limit, ScheduledExecutorService timer, Step next) {
    long limitNanos = Durations.saturatedNanos(limit);
    return (item, index, chunk) -> {
      long attempt = chunk.beginAttempt();
      ScheduledFuture<?> alarm =
          timer.schedule(() -> chunk.timeOut(attempt), limitNanos, TimeUnit.NANOSECONDS);
      @Nullable Object result;
      try {
        result = next.run(item, index, chunk);
      } catch (Throwable e) {
        alarm.cancel(false);
        if (chunk.endAttempt()) {
          chunk.timeouts++;
          throw timedOut(index, limit, e);
        }
        throw e;
      }
      alarm.cancel(false);
      chunk.endAttempt(); // a success that came as the alarm fired is still a success
      return result;
    };
  }

  /**
   * The failure of an attempt of item {@code index} that its timeout of {@code limit} interrupted;
   * {@code cause} is what the task threw on interruption. The cluster's members report theirs with
   * it too (through {@link RemotePolicies}), so that a timeout reads the same everywhere.
   */
  static TimeoutException timedOut(long index, Duration limit, Throwable cause) {
    TimeoutException timedOut =
        new TimeoutException(
            "item #" + index + " took longer than " + limit + " and was interrupted");
    timedOut.initCause(cause);
    return timedOut;
  }
}
