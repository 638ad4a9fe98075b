package dev.parmap.engine;

import dev.parmap.testing.Stress;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimiter} is linearizable: however the starts of a call's threads and the clock
 * interleave, the start times it hands out are those of some one-at-a-time order of the same
 * operations (each start gets {@code max(now, previous start + interval)}). Its lock-free
 * compare-and-set loop is what Lincheck explores here, on a clock that only the test moves.
 *
 * <p>Lincheck builds the sequential specification from this very class, run on one thread; the
 * class must be public, with public operations. Each operation's result is the start time it got.
 */
@Tag("stress")
@Param(name = "advance", gen = IntGen.class, conf = "1:25")
public class RateLimiterLincheckTest {
  private static final long INTERVAL = 10;

  /** A clock moved by {@link #advance} only; a sleep remembers the start it waits for. */
  private static final class ManualTicker implements Ticker {
    final AtomicLong now = new AtomicLong();
    final ThreadLocal<long[]> lastRead = ThreadLocal.withInitial(() -> new long[2]);

    @Override
    public long nanoTime() {
      long read = now.get();
      lastRead.get()[0] = read;
      return read;
    }

    @Override
    public void sleep(long nanos) {
      long[] mine = lastRead.get();
      mine[1] = mine[0] + Math.max(0, nanos); // the slot: the time read plus the pause
    }

    @Override
    public double random() {
      return 0.5;
    }

    long slotOfThisThread() {
      return lastRead.get()[1];
    }
  }

  private final ManualTicker ticker = new ManualTicker();
  private final RateLimiter limiter = new RateLimiter(INTERVAL, ticker);

  /** Public for Lincheck, which makes a fresh instance for every scenario. */
  public RateLimiterLincheckTest() {}

  /** A start: returns the time it may begin at. */
  @Operation
  public long acquire() throws InterruptedException {
    limiter.acquire();
    return ticker.slotOfThisThread();
  }

  /** Time passes. */
  @Operation
  public void advance(@Param(name = "advance") int nanos) {
    ticker.now.addAndGet(nanos);
  }

  @Test
  void startsAreLinearizableUnderModelChecking() {
    new ModelCheckingOptions()
        .iterations(Stress.scaled(10, 50))
        .invocationsPerIteration(Stress.scaled(300, 3_000))
        .threads(3)
        .actorsPerThread(3)
        .check(RateLimiterLincheckTest.class);
  }

  @Test
  void startsAreLinearizableUnderStress() {
    new StressOptions()
        .iterations(Stress.scaled(10, 50))
        .invocationsPerIteration(Stress.scaled(500, 5_000))
        .threads(3)
        .actorsPerThread(4)
        .check(RateLimiterLincheckTest.class);
  }
}
