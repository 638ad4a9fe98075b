package dev.parmap.gatherers;

import dev.parmap.CallInterruptedException;
import dev.parmap.TaskFailedException;
import dev.parmap.junit.NoLeakedThreadsExtension;
import dev.parmap.testing.Stress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Gatherer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Random load through {@link ParmapGatherers#map}, with its contract checked on every round.
 *
 * <p>Rounds run until {@link #ITEMS} elements have been drawn. A round draws, from its seed: the
 * number of elements, the window (default or 1..64), a sequential or parallel source, a second
 * parmap gatherer chained after the first, element costs (nothing, a spin, a sleep, one slow early
 * element), injected failures (exceptions, {@code Error}s, an {@code InterruptedException} of the
 * task's own, {@code OutOfMemoryError}) and a cancellation: {@code limit(k)}, {@code findFirst}, a
 * downstream stage that throws, the stream's thread interrupted by a task, or an exception thrown
 * upstream of the gatherer.
 *
 * <p>Checked on every round: no element runs twice; on success every result is there once, in
 * encounter order (a prefix for a short-circuited stream); a failure names an injected failure with
 * its element, position and exact cause; no more elements were in flight (started and not pushed
 * downstream) than the window, nor running at once; no task runs once the stream operation has
 * returned or thrown (for an upstream exception, which the gatherer cannot see, the tasks in flight
 * end on their own and none starts after it); no {@code parmap-gatherer-} thread is alive after the
 * round; the interrupt flag is set afterwards exactly when a task interrupted the stream's thread.
 *
 * <p>The seed is printed (and is in every failure message); {@code -Dparmap.stress.seed=...}
 * replays the same rounds. {@code ./build stress} runs the long form.
 */
@Tag("stress")
class GathererStressTest {
  private static final long SEED = Stress.seed("GathererStressTest");

  /** Elements through the gatherer, at least, over all rounds. */
  static final long ITEMS = Stress.scaled(250_000L, 1_000_000L);

  /** Rounds, at least. */
  static final int MIN_ROUNDS = Stress.scaled(80, 800);

  private static final Duration ROUND_LIMIT = Duration.ofMinutes(3);

  enum Cancel {
    NONE,
    LIMIT,
    FIND_FIRST,
    DOWNSTREAM_THROWS,
    INTERRUPT,
    UPSTREAM_THROWS
  }

  enum Failure {
    RUNTIME,
    CHECKED,
    ERROR,
    INTERRUPTED,
    OUT_OF_MEMORY;

    Throwable create(long index) {
      String message = "injected failure of element #" + index;
      return switch (this) {
        case RUNTIME -> new IllegalStateException(message);
        case CHECKED -> new IOException(message);
        case ERROR -> new InjectedError(message);
        case INTERRUPTED -> new InterruptedException(message);
        case OUT_OF_MEMORY -> new InjectedOutOfMemoryError(message);
      };
    }
  }

  static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError(String message) {
      super(message);
    }
  }

  static final class InjectedOutOfMemoryError extends OutOfMemoryError {
    private static final long serialVersionUID = 1L;

    InjectedOutOfMemoryError(String message) {
      super(message);
    }
  }

  static final class StageFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StageFailure(String where) {
      super("the " + where + " stage gave up");
    }
  }

  record Round(
      int number,
      long seed,
      int size,
      int window,
      boolean defaultWindow,
      boolean parallel,
      boolean chained,
      Map<Integer, Failure> failures,
      Cancel cancel,
      int k,
      double spinRate,
      double sleepRate,
      int stall,
      int stallMillis) {

    static Round draw(int number, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      double u = r.nextDouble();
      int size =
          u < 0.1
              ? r.nextInt(4)
              : u < 0.8
                  ? logUniform(r, 4, 2_000)
                  : logUniform(r, 2_000, Stress.scaled(40_000, 200_000));
      boolean defaultWindow = r.nextDouble() < 0.3;
      int window = defaultWindow ? ParmapGatherers.DEFAULT_WINDOW : 1 + r.nextInt(64);
      Map<Integer, Failure> failures = new TreeMap<>();
      if (size > 0 && r.nextDouble() < 0.3) {
        int count = 1 + r.nextInt(3);
        Failure[] kinds = Failure.values();
        for (int i = 0; i < count; i++) {
          failures.put(r.nextInt(size), kinds[r.nextInt(kinds.length)]);
        }
      }
      Cancel cancel = Cancel.NONE;
      if (r.nextDouble() < 0.5) {
        Cancel[] all = Cancel.values();
        cancel = all[1 + r.nextInt(all.length - 1)];
      }
      // In a parallel stream the gatherer may be fed by a pool thread, not the caller, and an
      // upstream exception may leave sibling subtasks running: interrupts and upstream failures
      // are drawn for sequential streams only.
      boolean parallel =
          cancel != Cancel.INTERRUPT && cancel != Cancel.UPSTREAM_THROWS && r.nextDouble() < 0.3;
      int k = size == 0 ? 0 : r.nextInt(size);
      double spinRate = r.nextDouble() * 0.1;
      double sleepRate = size == 0 ? 0 : Math.min(0.05, 40.0 / size) * r.nextDouble();
      int stall = size > 0 && r.nextDouble() < 0.2 ? r.nextInt(Math.min(size, 500)) : -1;
      return new Round(
          number,
          seed,
          size,
          window,
          defaultWindow,
          parallel,
          r.nextDouble() < 0.2,
          failures,
          cancel,
          k,
          spinRate,
          sleepRate,
          stall,
          5 + r.nextInt(40));
    }

    private static int logUniform(SplittableRandom r, int from, int to) {
      return (int)
          Math.round(Math.exp(Math.log(from) + r.nextDouble() * Math.log((double) to / from)));
    }

    double chance(long i, int salt) {
      long h = seed + (i * 0x9E3779B97F4A7C15L) + salt * 0xC2B2AE3D27D4EB4FL;
      h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
      h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
      h ^= h >>> 33;
      return (h >>> 11) * 0x1.0p-53;
    }

    @Override
    public String toString() {
      return String.format(
          "round %d (global seed %d, round seed %d): %d elements, window %d%s, %s%s,"
              + " failures %s, cancel %s at %d, spin %.3f, sleep %.5f, stall #%d for %d ms",
          number,
          SEED,
          seed,
          size,
          window,
          defaultWindow ? " (default)" : "",
          parallel ? "parallel" : "sequential",
          chained ? ", chained" : "",
          failures,
          cancel,
          k,
          spinRate,
          sleepRate,
          stall,
          stallMillis);
    }
  }

  /** What happened during a round. */
  static final class State {
    final Round round;
    final Thread caller;
    final AtomicIntegerArray executions;
    final Stress.Gauge gauge = new Stress.Gauge();
    final AtomicLong started = new AtomicLong();
    final AtomicLong pushed = new AtomicLong();
    final AtomicLong maxInFlight = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final Map<Long, Throwable> thrown = new ConcurrentHashMap<>();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final List<Long> got = new ArrayList<>(); // the stream's thread only
    volatile boolean interruptSent;
    String outcome = "?";

    State(Round round, Thread caller) {
      this.round = round;
      this.caller = caller;
      this.executions = new AtomicIntegerArray(round.size());
    }
  }

  static long expected(long i) {
    return 3 * i + 1;
  }

  @Test
  void theGathererKeepsItsContractUnderRandomLoad() throws Exception {
    SplittableRandom seeds = new SplittableRandom(SEED);
    long items = 0;
    long ran = 0;
    long failures = 0;
    long cancellations = 0;
    Map<String, Long> outcomes = new TreeMap<>();
    long begin = System.nanoTime();
    int number = 0;
    for (; items < ITEMS || number < MIN_ROUNDS; number++) {
      Round round = Round.draw(number, seeds.nextLong());
      State state = Stress.within(ROUND_LIMIT, round.toString(), () -> runRound(round));
      items += round.size();
      ran += state.started.get();
      failures += state.thrown.size();
      if (state.interruptSent || round.cancel() != Cancel.NONE) {
        cancellations++;
      }
      outcomes.merge(state.outcome, 1L, Long::sum);
    }
    System.out.printf(
        "[stress] GathererStressTest: %d rounds, %,d elements (%,d tasks run), %d injected"
            + " failures ran, %d cancellations, outcomes %s, %.1f s%n",
        number, items, ran, failures, cancellations, outcomes, (System.nanoTime() - begin) / 1e9);
  }

  private static State runRound(Round round) {
    State state = new State(round, Thread.currentThread());
    Throwable thrown = null;
    try {
      run(round, state);
    } catch (Throwable e) {
      thrown = e;
    }
    boolean flagAfter = Thread.interrupted();
    int runningAfter = state.gauge.now();
    List<String> problems = new ArrayList<>(state.problems);
    if (round.cancel() == Cancel.UPSTREAM_THROWS && thrown instanceof StageFailure) {
      // The gatherer cannot see it: the tasks in flight end on their own, and no new one starts.
      // Wait for their threads, not for the gauge: a thread started for an element may not have
      // begun its task yet when the gauge reads zero.
      List<NoLeakedThreadsExtension.LeakedThread> still =
          NoLeakedThreadsExtension.awaitLeakedThreads("parmap-gatherer-", Duration.ofSeconds(60));
      if (!still.isEmpty()) {
        problems.add("gatherer threads still alive 60 s after an upstream exception: " + still);
      }
      runningAfter = state.gauge.now();
      // Elements from the failing one on never reached the gatherer: none of them may run.
      for (int j = round.k(); j < round.size(); j++) {
        if (state.executions.get(j) != 0) {
          problems.add("element #" + j + " ran although upstream threw at #" + round.k());
          break;
        }
      }
    }
    if (runningAfter != 0) {
      problems.add(runningAfter + " tasks still running after the stream operation ended");
    }
    if (state.duplicates.get() > 0) {
      problems.add(state.duplicates.get() + " elements ran more than once");
    }
    int bound = round.window();
    if (state.gauge.max() > bound) {
      problems.add(state.gauge.max() + " tasks ran at once, window " + bound);
    }
    // In a parallel stream the JDK may buffer what the gatherer pushes before later stages see
    // it: counting pushes downstream of it measures the window only in a sequential stream.
    if (!round.parallel() && state.maxInFlight.get() > bound) {
      problems.add(state.maxInFlight.get() + " elements in flight, window " + bound);
    }
    if (flagAfter != state.interruptSent) {
      problems.add(
          "interrupt flag is "
              + flagAfter
              + " after the stream, but its thread was "
              + (state.interruptSent ? "" : "not ")
              + "interrupted");
    }
    String outcome = thrown == null ? "ok" : thrown.getClass().getSimpleName();
    state.outcome = outcome;
    if (thrown == null) {
      checkSuccess(round, state, problems);
    } else {
      checkFailure(round, state, thrown, problems);
    }
    checkInOrder(state.got, problems);
    // Strict, except where the contract lets tasks finish on their own: an exception upstream of
    // a gatherer, which includes the second of two chained gatherers when the first throws.
    boolean onTheirOwn = round.cancel() == Cancel.UPSTREAM_THROWS || round.chained();
    List<NoLeakedThreadsExtension.LeakedThread> leaked =
        NoLeakedThreadsExtension.awaitLeakedThreads(
            "parmap-gatherer-", onTheirOwn ? Duration.ofSeconds(10) : Duration.ZERO);
    if (!leaked.isEmpty()) {
      problems.add("gatherer threads alive after the round: " + leaked);
    }
    if (!problems.isEmpty()) {
      AssertionError error =
          new AssertionError(
              round + "\n  outcome " + outcome + "\n  " + String.join("\n  ", problems));
      if (thrown != null) {
        error.initCause(thrown);
      }
      throw error;
    }
    return state;
  }

  private static void run(Round round, State state) {
    Stream<Long> source =
        LongStream.range(0, round.size())
            .boxed()
            .map(
                i -> {
                  if (round.cancel() == Cancel.UPSTREAM_THROWS && i == round.k()) {
                    throw new StageFailure("upstream");
                  }
                  return i;
                });
    if (round.parallel()) {
      source = source.parallel();
    }
    Gatherer<Long, ?, Long> first =
        round.defaultWindow()
            ? ParmapGatherers.map(i -> runElement(round, state, i))
            : ParmapGatherers.map(round.window(), i -> runElement(round, state, i));
    Stream<Long> results =
        source
            .gather(first)
            .peek(
                r -> {
                  state.pushed.incrementAndGet();
                });
    if (round.chained()) {
      // A second parmap gatherer after the first: its own window and threads, same results.
      results = results.gather(ParmapGatherers.map(1 + round.window() / 2, r -> r));
    }
    switch (round.cancel()) {
      case LIMIT -> results.limit(round.k()).forEachOrdered(state.got::add);
      case FIND_FIRST -> results.findFirst().ifPresent(state.got::add);
      case DOWNSTREAM_THROWS ->
          results.forEachOrdered(
              r -> {
                if (state.got.size() == round.k()) {
                  throw new StageFailure("downstream");
                }
                state.got.add(r);
              });
      default -> results.forEachOrdered(state.got::add);
    }
  }

  private static Long runElement(Round round, State state, Long element) throws Exception {
    long i = element;
    if (state.executions.getAndIncrement((int) i) != 0) {
      state.duplicates.incrementAndGet();
    }
    state.gauge.enter();
    try {
      state.maxInFlight.accumulateAndGet(
          state.started.incrementAndGet() - state.pushed.get(), Math::max);
      if (round.cancel() == Cancel.INTERRUPT && i == round.k()) {
        state.interruptSent = true;
        state.caller.interrupt();
      }
      double cost = round.chance(i, 1);
      if (i == round.stall()) {
        Thread.sleep(round.stallMillis());
      } else if (cost < round.sleepRate()) {
        Thread.sleep(Duration.ofNanos(50_000 + (long) (round.chance(i, 2) * 1_950_000)));
      } else if (cost < round.sleepRate() + round.spinRate()) {
        long until = System.nanoTime() + (long) (round.chance(i, 3) * 20_000);
        while (System.nanoTime() - until < 0) {
          Thread.onSpinWait();
        }
      }
      Failure failure = round.failures().get((int) i);
      if (failure != null) {
        Throwable t = failure.create(i);
        state.thrown.put(i, t);
        throwAny(t);
      }
      return expected(i);
    } finally {
      state.gauge.exit();
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void throwAny(Throwable t) throws E {
    throw (E) t;
  }

  private static void checkSuccess(Round round, State state, List<String> problems) {
    long count =
        switch (round.cancel()) {
          case LIMIT -> Math.min(round.k(), round.size());
          case FIND_FIRST -> Math.min(1, round.size());
          default -> round.size();
        };
    boolean shortCircuited = round.cancel() == Cancel.LIMIT || round.cancel() == Cancel.FIND_FIRST;
    if (!shortCircuited && !state.thrown.isEmpty()) {
      problems.add("the stream succeeded although elements failed: " + state.thrown.keySet());
    }
    if (state.got.size() != count) {
      problems.add(state.got.size() + " results, expected " + count);
    }
    if (!shortCircuited) {
      for (int i = 0; i < round.size(); i++) {
        if (state.executions.get(i) != 1) {
          problems.add("element #" + i + " ran " + state.executions.get(i) + "x");
          return;
        }
      }
    }
  }

  private static void checkFailure(
      Round round, State state, Throwable thrown, List<String> problems) {
    if (thrown instanceof InjectedOutOfMemoryError oom) {
      if (!state.thrown.containsValue(oom)) {
        problems.add("an OutOfMemoryError no task threw");
      }
      boolean attached = false;
      for (Throwable s : oom.getSuppressed()) {
        if (s instanceof TaskFailedException tfe && tfe.getCause() == oom) {
          attached = true;
          checkTaskFailure(state, tfe, problems);
        }
      }
      if (!attached) {
        problems.add("the OutOfMemoryError has no TaskFailedException attached");
      }
    } else if (thrown instanceof TaskFailedException tfe) {
      checkTaskFailure(state, tfe, problems);
      for (Throwable s : tfe.getSuppressed()) {
        if (s instanceof TaskFailedException other) {
          checkTaskFailure(state, other, problems);
        }
      }
    } else if (thrown instanceof CallInterruptedException interrupted) {
      if (!state.interruptSent) {
        problems.add("CallInterruptedException, but nobody interrupted the stream's thread");
      }
      if (!(interrupted.getCause() instanceof InterruptedException)) {
        problems.add("CallInterruptedException without its InterruptedException");
      }
    } else if (thrown instanceof StageFailure stage) {
      boolean expected =
          (round.cancel() == Cancel.DOWNSTREAM_THROWS
                  && stage.getMessage().contains("downstream")
                  && state.got.size() == round.k())
              || (round.cancel() == Cancel.UPSTREAM_THROWS
                  && stage.getMessage().contains("upstream"));
      if (!expected) {
        problems.add("an unexpected stage failure: " + stage);
      }
    } else {
      problems.add("unexpected failure " + thrown);
    }
  }

  private static void checkTaskFailure(
      State state, TaskFailedException tfe, List<String> problems) {
    Throwable injected = state.thrown.get(tfe.index());
    if (injected == null) {
      problems.add(
          "TaskFailedException for element #" + tfe.index() + ", not made to fail: " + tfe);
      return;
    }
    if (tfe.getCause() != injected) {
      problems.add("element #" + tfe.index() + " failed with " + tfe.getCause());
    }
    if (!Long.valueOf(tfe.index()).equals(tfe.item())) {
      problems.add("TaskFailedException for #" + tfe.index() + " names " + tfe.item());
    }
  }

  private static void checkInOrder(List<Long> got, List<String> problems) {
    for (int i = 0; i < got.size(); i++) {
      @Nullable Long r = got.get(i);
      if (r == null || r != expected(i)) {
        problems.add("result #" + i + " is " + r + ", expected " + expected(i));
        return;
      }
    }
  }
}
