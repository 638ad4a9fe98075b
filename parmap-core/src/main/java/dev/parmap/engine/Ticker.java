package dev.parmap.engine;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Time as the policies see it: the system clock in production, a fake one in tests so that backoff
 * and rate limits are checked without real waiting. It belongs to the pool ({@code Pool#ticker()},
 * set by {@code Pool#clockedBy} in tests), not to a call's {@code MapOptions}, which stay a plain
 * value.
 */
public interface Ticker {
  Ticker SYSTEM =
      new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
          if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
          } else if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }

        @Override
        public double random() {
          return ThreadLocalRandom.current().nextDouble();
        }
      };

  long nanoTime();

  /** Waits {@code nanos}; throws at once if the thread is interrupted. */
  void sleep(long nanos) throws InterruptedException;

  /** A number in [0, 1), for jitter. */
  double random();
}
