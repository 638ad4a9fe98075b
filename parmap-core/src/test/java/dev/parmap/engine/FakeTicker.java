package dev.parmap.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake clock for policy tests. {@code sleep} never waits: it records the requested pause and,
 * when advancing, moves the clock forward by it. The jitter random number is fixed.
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final boolean advancing;
  private final List<Long> sleeps = new ArrayList<>();
  private final List<Long> wakeUps = new ArrayList<>();

  public FakeTicker(boolean advancing) {
    this.advancing = advancing;
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    synchronized (this) {
      sleeps.add(nanos);
      wakeUps.add(now.get() + Math.max(0, nanos));
    }
    if (advancing) {
      now.addAndGet(Math.max(0, nanos));
    }
  }

  @Override
  public double random() {
    return 0.5;
  }

  public synchronized List<Long> sleeps() {
    return List.copyOf(sleeps);
  }

  /** When each sleep would have ended, on this clock. */
  public synchronized List<Long> wakeUps() {
    return List.copyOf(wakeUps);
  }

  public long start() {
    return 1_000_000_000L;
  }
}
