package dev.parmap.testing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settings and helpers shared by the stress suites (the tests tagged {@code stress}).
 *
 * <p>Every stress suite runs in two forms. The <em>short</em> form is part of {@code ./build test}
 * and keeps the whole build fast. The <em>long</em> form is {@code ./build stress}, which sets the
 * system property {@value #MODE_PROPERTY} to {@code long} (Maven profile {@code stress}) and runs
 * only the tagged tests, with many more items and iterations.
 *
 * <p>Random suites take their seed from the system property {@value #SEED_PROPERTY} if it is set,
 * else from the clock, and print it: a failure can be replayed with {@code ./build stress
 * -Dparmap.stress.seed=...} (or the same property on {@code ./build test}). Thread scheduling is
 * not replayed, only the random choices (sizes, costs, failures, cancellations).
 */
public final class Stress {
  /** {@code long} selects the long form; anything else (or nothing) the short one. */
  public static final String MODE_PROPERTY = "parmap.stress";

  /** A seed to replay, as a decimal or {@code 0x} hexadecimal long. */
  public static final String SEED_PROPERTY = "parmap.stress.seed";

  private Stress() {}

  /** Whether the long form runs ({@code -Dparmap.stress=long}). */
  public static boolean isLong() {
    return "long".equals(System.getProperty(MODE_PROPERTY, "").trim());
  }

  /** {@code shortValue} in the short form, {@code longValue} in the long one. */
  public static int scaled(int shortValue, int longValue) {
    return isLong() ? longValue : shortValue;
  }

  /** {@code shortValue} in the short form, {@code longValue} in the long one. */
  public static long scaled(long shortValue, long longValue) {
    return isLong() ? longValue : shortValue;
  }

  /**
   * The seed of a random suite: {@value #SEED_PROPERTY} if set, else a fresh one. Printed with the
   * suite's name and the way to replay it.
   */
  public static long seed(String suite) {
    String given = System.getProperty(SEED_PROPERTY, "").trim();
    long seed;
    if (given.isEmpty()) {
      seed = System.nanoTime() ^ (System.currentTimeMillis() << 20);
    } else if (given.startsWith("0x") || given.startsWith("0X")) {
      seed = Long.parseUnsignedLong(given.substring(2), 16);
    } else {
      seed = Long.parseLong(given);
    }
    System.out.printf(
        "[stress] %s: %s form, seed %d (replay: -D%s=%d)%n",
        suite, isLong() ? "long" : "short", seed, SEED_PROPERTY, seed);
    return seed;
  }

  /**
   * Runs {@code body} on a new platform thread and returns its result, failing with a dump of every
   * thread if it has not finished within {@code limit}: a hang becomes a failure that shows where
   * each thread is, not a build that never ends. The thread is interrupted after a timeout.
   */
  public static <V> V within(Duration limit, String what, Callable<V> body) throws Exception {
    CompletableFuture<V> result = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("stress-driver-" + DRIVERS.incrementAndGet())
            .start(
                () -> {
                  try {
                    result.complete(body.call());
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    try {
      return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception checked) {
        throw checked;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    } catch (TimeoutException e) {
      AssertionError hang =
          new AssertionError(what + " did not finish within " + limit + "; threads:\n" + dump());
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      throw hang;
    }
  }

  private static final AtomicInteger DRIVERS = new AtomicInteger();

  /** Every platform thread's stack, for hang reports. */
  public static String dump() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      out.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
      for (StackTraceElement frame : e.getValue()) {
        out.append("    at ").append(frame).append('\n');
      }
    }
    return out.toString();
  }

  /** Counts the tasks running right now and remembers the most seen at once. */
  public static final class Gauge {
    private final AtomicInteger now = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    /** A task starts. */
    public void enter() {
      int running = now.incrementAndGet();
      max.accumulateAndGet(running, Math::max);
    }

    /** A task ends. */
    public void exit() {
      now.decrementAndGet();
    }

    /** Tasks running now. */
    public int now() {
      return now.get();
    }

    /** The most tasks seen running at once. */
    public int max() {
      return max.get();
    }
  }
}
