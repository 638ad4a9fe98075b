package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.junit.NoLeakedThreadsExtension;
import dev.parmap.testing.Stress;
import java.io.IOException;
import java.time.Duration;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random load through every entry point of parmap-core, with the contract checked on every round.
 *
 * <p>Each entry point ({@code map}, {@code forEach}, {@code stream}, {@code streamUnordered},
 * {@code mapAsync} and the {@code Parmap.toList} collector; the gatherer has its own suite in
 * parmap-gatherers) runs rounds until it has seen {@link #ITEMS_PER_ENTRY} items. A round draws,
 * from its seed: the number of items (empty to hundreds of thousands), the input (a random-access
 * list, a lazy iterable, a collection that is not a list), the pool (each kind, fresh or shared
 * across rounds, with or without a concurrency limit), item costs (nothing, a spin of microseconds,
 * a sleep of up to 2 ms), injected failures (runtime and checked exceptions, {@code Error}s, an
 * {@code InterruptedException} of the task's own, {@code StackOverflowError}, {@code
 * OutOfMemoryError}), a cancellation (the caller interrupted by a task, a stream closed, limited or
 * whose consumer throws, a {@code mapAsync} future cancelled, the pool terminated from another
 * thread) and nested calls from inside tasks.
 *
 * <p>Checked on every round: no item runs twice; on success every item ran once and every result is
 * there, once, in the promised order (a prefix of it for a stream closed early); a failure names an
 * injected failure that ran, with exactly the thrown cause; the outcome is one the cancellation
 * allows; no more tasks ran at once than the pool or options allow; no more than {@link
 * Pool#DEFAULT_WINDOW} items were read and not handed over; the input's iterator was asked nothing
 * after it said it had no more; no task runs once the call has returned or thrown; no {@code
 * parmap-} thread of the round is alive after it; the caller's interrupt flag is set afterwards
 * exactly when a task interrupted it.
 *
 * <p>The seed is printed (and is in every failure message); {@code -Dparmap.stress.seed=...}
 * replays the same rounds. {@code ./build stress} runs the long form.
 */
@Tag("stress")
class StressTest {
  private static final long SEED = Stress.seed("StressTest");

  /** Items through each entry point: rounds continue until this many have been drawn. */
  static final long ITEMS_PER_ENTRY = Stress.scaled(300_000L, 2_000_000L);

  /** Rounds per entry point, at least. */
  static final int MIN_ROUNDS = Stress.scaled(80, 1_000);

  /** A round that has not ended in this time has hung: it fails with a thread dump. */
  private static final Duration ROUND_LIMIT = Duration.ofMinutes(3);

  /** The executor of {@code Pool.using} rounds: test threads, not named {@code parmap-}. */
  private static final int USING_THREADS = 12;

  private static final ExecutorService EXECUTOR =
      Executors.newFixedThreadPool(
          USING_THREADS, Thread.ofPlatform().name("stress-executor-", 0).daemon(true).factory());

  enum Entry {
    MAP,
    FOR_EACH,
    STREAM,
    STREAM_UNORDERED,
    MAP_ASYNC,
    COLLECTOR
  }

  /** The pool of a round; the shared ones live across the rounds of an entry point. */
  enum PoolChoice {
    PARMAP,
    VIRTUAL,
    VIRTUAL_N,
    THREADS_N,
    USING,
    MAX_CONCURRENCY_N,
    SHARED_THREADS,
    SHARED_VIRTUAL_N;

    boolean fresh() {
      return this != PARMAP && this != SHARED_THREADS && this != SHARED_VIRTUAL_N;
    }
  }

  enum Input {
    LIST,
    LAZY,
    COLLECTION
  }

  enum Cancel {
    NONE,
    /** The task at {@code k} interrupts the calling thread. */
    INTERRUPT,
    /** The consumer stops after {@code k} results and closes the stream (try-with-resources). */
    CLOSE_STREAM,
    /** {@code limit(k)} on the stream. */
    LIMIT,
    /** The consumer throws on result {@code k}. */
    CONSUMER_THROWS,
    /** Another thread cancels the mapAsync future once the task at {@code k} runs. */
    CANCEL_FUTURE,
    /** Another thread terminates the pool once the task at {@code k} runs. */
    TERMINATE
  }

  enum Failure {
    RUNTIME,
    CHECKED,
    ERROR,
    INTERRUPTED,
    STACK_OVERFLOW,
    OUT_OF_MEMORY;

    Throwable create(int index) {
      String message = "injected failure of item #" + index;
      return switch (this) {
        case RUNTIME -> new IllegalStateException(message);
        case CHECKED -> new IOException(message);
        case ERROR -> new InjectedError(message);
        case INTERRUPTED -> new InterruptedException(message);
        case STACK_OVERFLOW -> new StackOverflowError(message);
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

  static final class ConsumerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConsumerFailure() {
      super("the consumer gave up");
    }
  }

  /** What a round does, drawn from its seed. */
  record Round(
      Entry entry,
      int number,
      long seed,
      int size,
      PoolChoice pool,
      int n,
      Input input,
      Map<Integer, Failure> failures,
      Cancel cancel,
      int k,
      boolean parallelSource,
      int consumeStyle,
      double spinRate,
      double sleepRate,
      double nestedRate,
      int stall,
      int stallMillis) {

    static Round draw(Entry entry, int number, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      double u = r.nextDouble();
      int size;
      if (u < 0.1) {
        size = r.nextInt(4);
      } else if (u < 0.75) {
        size = logUniform(r, 4, 3_000);
      } else {
        size = logUniform(r, 3_000, Stress.scaled(60_000, 250_000));
      }
      PoolChoice pool;
      if (entry == Entry.COLLECTOR) {
        pool = PoolChoice.PARMAP;
      } else {
        PoolChoice[] all = PoolChoice.values();
        do {
          pool = all[r.nextInt(all.length)];
        } while (pool == PoolChoice.PARMAP && !(entry == Entry.MAP || entry == Entry.FOR_EACH));
      }
      int n = 1 + r.nextInt(8);
      Input input =
          entry == Entry.COLLECTOR
              ? Input.LIST
              : switch (r.nextInt(10)) {
                case 0, 1, 2 -> Input.LIST;
                case 3, 4 -> Input.COLLECTION;
                default -> Input.LAZY;
              };
      Map<Integer, Failure> failures = new TreeMap<>();
      if (size > 0 && r.nextDouble() < 0.3) {
        int count = 1 + r.nextInt(3);
        for (int i = 0; i < count; i++) {
          int pick = r.nextInt(100);
          Failure kind =
              pick < 40
                  ? Failure.RUNTIME
                  : pick < 65
                      ? Failure.CHECKED
                      : pick < 80
                          ? Failure.ERROR
                          : pick < 90
                              ? Failure.INTERRUPTED
                              : pick < 95 ? Failure.STACK_OVERFLOW : Failure.OUT_OF_MEMORY;
          failures.put(r.nextInt(size), kind);
        }
      }
      List<Cancel> cancels =
          switch (entry) {
            case MAP, FOR_EACH, COLLECTOR -> List.of(Cancel.INTERRUPT, Cancel.TERMINATE);
            case STREAM, STREAM_UNORDERED ->
                List.of(
                    Cancel.INTERRUPT,
                    Cancel.CLOSE_STREAM,
                    Cancel.LIMIT,
                    Cancel.CONSUMER_THROWS,
                    Cancel.TERMINATE);
            case MAP_ASYNC -> List.of(Cancel.CANCEL_FUTURE, Cancel.TERMINATE);
          };
      Cancel cancel = Cancel.NONE;
      if (r.nextDouble() < 0.5) {
        cancel = cancels.get(r.nextInt(cancels.size()));
        if (cancel == Cancel.TERMINATE && !pool.fresh()) {
          cancel = Cancel.NONE; // terminating a shared pool would end the pool of later rounds
        }
      }
      int k = size == 0 ? 0 : r.nextInt(size);
      // Costs: a share of items spins for up to 20 µs; a few sleep up to 2 ms, about 40 ms of
      // sleep per round in all, however large.
      double spinRate = r.nextDouble() * 0.1;
      double sleepRate = size == 0 ? 0 : Math.min(0.05, 40.0 / size) * r.nextDouble();
      boolean nested = pool != PoolChoice.PARMAP && cancel != Cancel.TERMINATE;
      double nestedRate =
          nested && r.nextDouble() < 0.3 && size > 0 ? Math.min(0.02, 30.0 / size) : 0;
      // Sometimes one early item is slow: the items after it pile up behind it (ordered results
      // wait for it), which is what fills the window.
      double stallChance = size > Pool.DEFAULT_WINDOW ? 0.6 : 0.2;
      int stall = size > 0 && r.nextDouble() < stallChance ? r.nextInt(Math.min(size, 1_000)) : -1;
      int stallMillis = 5 + r.nextInt(60);
      return new Round(
          entry,
          number,
          seed,
          size,
          pool,
          n,
          input,
          failures,
          cancel,
          k,
          r.nextBoolean(),
          r.nextInt(3),
          spinRate,
          sleepRate,
          nestedRate,
          stall,
          stallMillis);
    }

    private static int logUniform(SplittableRandom r, int from, int to) {
      return (int)
          Math.round(Math.exp(Math.log(from) + r.nextDouble() * Math.log((double) to / from)));
    }

    /** A number in [0, 1) drawn for item {@code i} and purpose {@code salt}, the same on replay. */
    double chance(int i, int salt) {
      long h = seed + (i * 0x9E3779B97F4A7C15L) + salt * 0xC2B2AE3D27D4EB4FL;
      h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
      h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
      h ^= h >>> 33;
      return (h >>> 11) * 0x1.0p-53;
    }

    /** The most tasks the round's pool and options let run at once. */
    int concurrencyBound() {
      return switch (pool) {
        case PARMAP, VIRTUAL -> Integer.MAX_VALUE;
        case VIRTUAL_N, THREADS_N, MAX_CONCURRENCY_N -> n;
        case USING -> USING_THREADS;
        case SHARED_THREADS -> SHARED_THREADS_SIZE;
        case SHARED_VIRTUAL_N -> SHARED_VIRTUAL_LIMIT;
      };
    }

    @Override
    public String toString() {
      return String.format(
          "%s round %d (global seed %d, round seed %d): %d items, %s%s, input %s, failures %s,"
              + " cancel %s at %d, spin %.3f, sleep %.5f, nested %.4f, stall #%d for %d ms",
          entry,
          number,
          SEED,
          seed,
          size,
          pool,
          concurrencyBound() < Integer.MAX_VALUE ? "(" + concurrencyBound() + ")" : "",
          input,
          failures,
          cancel,
          k,
          spinRate,
          sleepRate,
          nestedRate,
          stall,
          stallMillis);
    }
  }

  static final int SHARED_THREADS_SIZE = 3;
  static final int SHARED_VIRTUAL_LIMIT = 4;

  /** The expected result of item {@code i}; invertible, so that results can be traced back. */
  static long expected(long i) {
    return 3 * i + 1;
  }

  /** Counts of one entry point's rounds, printed at its end. */
  static final class Tally {
    long rounds;
    long items;
    long ran;
    long failuresInjected;
    long failuresRun;
    long nestedCalls;
    final Map<Cancel, Long> cancellations = new EnumMap<>(Cancel.class);
    final Map<String, Long> outcomes = new TreeMap<>();

    void add(Round round, State state, String outcome) {
      rounds++;
      items += round.size();
      ran += state.started.get();
      failuresInjected += round.failures().size();
      failuresRun += state.thrown.size();
      nestedCalls += state.nested.get();
      if (state.cancelled) {
        cancellations.merge(round.cancel(), 1L, Long::sum);
      }
      outcomes.merge(outcome, 1L, Long::sum);
    }
  }

  static final Map<Entry, Tally> TALLIES = new ConcurrentHashMap<>();

  @AfterAll
  static void printTotals() {
    long items = 0;
    long failures = 0;
    long cancellations = 0;
    for (Tally t : TALLIES.values()) {
      items += t.items;
      failures += t.failuresRun;
      cancellations += t.cancellations.values().stream().mapToLong(Long::longValue).sum();
    }
    System.out.printf(
        "[stress] StressTest total: %,d items, %,d injected failures run, %,d cancellations%n",
        items, failures, cancellations);
  }

  /** What happened during one round, written by tasks, iterators and the consumer. */
  static final class State {
    final Round round;
    final Thread caller;
    final AtomicIntegerArray executions;
    final AtomicInteger duplicates = new AtomicInteger();
    final Stress.Gauge gauge = new Stress.Gauge();
    final AtomicLong started = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    final AtomicLong consumed = new AtomicLong();
    final AtomicLong maxStartedAhead = new AtomicLong(); // started - consumed, streams only
    final Map<Integer, Throwable> thrown = new ConcurrentHashMap<>();
    final AtomicInteger nested = new AtomicInteger();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final List<Long> got = new ArrayList<>(); // what a stream's consumer got, in order
    final CountDownLatch trigger = new CountDownLatch(1);
    volatile boolean interruptSent;
    volatile boolean cancelled;
    volatile @Nullable Thread helper; // a canceller or terminator
    volatile int gaugeAfterCancel = -1;
    volatile boolean cancelReturned;
    @Nullable Pool pool;
    @Nullable LazyInput input;

    State(Round round, Thread caller) {
      this.round = round;
      this.caller = caller;
      this.executions = new AtomicIntegerArray(round.size());
    }

    void problem(String what) {
      if (problems.size() < 20) {
        problems.add(what);
      }
    }
  }

  /** The round's input when it is not a list: counts reads and checks the window as it is read. */
  static final class LazyInput extends AbstractCollection<Long> {
    private final int size;
    private final State state;
    private final LongSupplier handedOver;
    private final boolean knownSize;
    int iterators;
    long reads;
    boolean ended;
    long askedAfterEnd;
    long maxOutstanding;

    LazyInput(int size, State state, LongSupplier handedOver, boolean knownSize) {
      this.size = size;
      this.state = state;
      this.handedOver = handedOver;
      this.knownSize = knownSize;
    }

    @Override
    public int size() {
      if (!knownSize) {
        state.problem("size() called on an input that is only an Iterable");
      }
      return size;
    }

    @Override
    public Iterator<Long> iterator() {
      if (++iterators > 1) {
        state.problem("the input was iterated " + iterators + " times");
      }
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          if (ended) {
            askedAfterEnd++;
          }
          if (reads >= size) {
            ended = true;
            return false;
          }
          return true;
        }

        @Override
        public Long next() {
          if (ended) {
            askedAfterEnd++;
          }
          if (reads >= size) {
            throw new NoSuchElementException();
          }
          reads++;
          maxOutstanding = Math.max(maxOutstanding, reads - handedOver.getAsLong());
          return reads - 1;
        }
      };
    }

    /** Wrapped so that it is neither a Collection nor a List: parmap knows nothing of its size. */
    Iterable<Long> asIterable() {
      return this::iterator;
    }
  }

  /** The items 0..size-1 as a random-access list that holds nothing. */
  static final class IndexList extends AbstractList<Long> implements RandomAccess {
    private final int size;

    IndexList(int size) {
      this.size = size;
    }

    @Override
    public Long get(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException(index);
      }
      return (long) index;
    }

    @Override
    public int size() {
      return size;
    }
  }

  private final Map<PoolChoice, Pool> shared = new EnumMap<>(PoolChoice.class);

  @ParameterizedTest
  @EnumSource(Entry.class)
  void everyEntryPointKeepsItsContractUnderRandomLoad(Entry entry) throws Exception {
    SplittableRandom seeds = new SplittableRandom(SEED ^ (entry.ordinal() * 0x632BE59BD9B4E019L));
    Tally tally = new Tally();
    TALLIES.put(entry, tally);
    long begin = System.nanoTime();
    try {
      for (int number = 0; tally.items < ITEMS_PER_ENTRY || number < MIN_ROUNDS; number++) {
        Round round = Round.draw(entry, number, seeds.nextLong());
        Stress.within(
            ROUND_LIMIT,
            round.toString(),
            () -> {
              runRound(round, tally);
              return null;
            });
      }
    } finally {
      for (Pool pool : shared.values()) {
        pool.close();
      }
    }
    System.out.printf(
        "[stress] %s: %d rounds, %,d items (%,d tasks run), %d failures injected (%d ran),"
            + " cancellations %s, %d nested calls, outcomes %s, %.1f s%n",
        entry,
        tally.rounds,
        tally.items,
        tally.ran,
        tally.failuresInjected,
        tally.failuresRun,
        tally.cancellations,
        tally.nestedCalls,
        tally.outcomes,
        (System.nanoTime() - begin) / 1e9);
  }

  private Pool sharedPool(PoolChoice choice) {
    return shared.computeIfAbsent(
        choice,
        c -> {
          Pool pool =
              c == PoolChoice.SHARED_THREADS
                  ? Pool.threads(SHARED_THREADS_SIZE)
                  : Pool.virtual(SHARED_VIRTUAL_LIMIT);
          SHARED_PREFIXES.add(pool.threadPrefix());
          return pool;
        });
  }

  private @Nullable Pool poolFor(Round round) {
    return switch (round.pool()) {
      case PARMAP -> null;
      case VIRTUAL -> Pool.virtual();
      case VIRTUAL_N -> Pool.virtual(round.n());
      case THREADS_N -> Pool.threads(round.n());
      case USING -> Pool.using(EXECUTOR);
      case MAX_CONCURRENCY_N ->
          Pool.virtual().with(MapOptions.builder().maxConcurrency(round.n()).build());
      case SHARED_THREADS, SHARED_VIRTUAL_N -> sharedPool(round.pool());
    };
  }

  private void runRound(Round round, Tally tally) throws Exception {
    State state = new State(round, Thread.currentThread());
    Pool pool = poolFor(round);
    state.pool = pool;
    Throwable thrown = null;
    List<Long> results = null;
    boolean flagAfter;
    int runningAfter;
    try {
      try {
        results = call(round, state, pool);
      } catch (Throwable e) {
        thrown = e;
      }
      flagAfter = Thread.interrupted();
      runningAfter = state.gauge.now();
      if (round.entry() == Entry.MAP_ASYNC) {
        state.trigger.countDown(); // the call has ended: a canceller still waiting goes ahead
      }
      Thread helper = state.helper;
      if (helper != null) {
        helper.join(ROUND_LIMIT.toMillis());
        assertThat(helper.isAlive()).as("helper thread of " + round).isFalse();
      }
    } finally {
      if (pool != null && round.pool().fresh()) {
        pool.close();
      }
    }
    String outcome = check(round, state, results, thrown, flagAfter, runningAfter);
    tally.add(round, state, outcome);
  }

  /** Makes the call of the round's entry point; returns the results handed over, in order. */
  private @Nullable List<Long> call(Round round, State state, @Nullable Pool pool)
      throws Exception {
    Task<Long, Long> task = item -> runItem(round, state, item);
    Iterable<Long> items = inputFor(round, state);
    return switch (round.entry()) {
      case MAP -> pool == null ? Parmap.map(items, task) : pool.map(items, task);
      case FOR_EACH -> {
        Action<Long> action = item -> task.apply(item);
        if (pool == null) {
          Parmap.forEach(items, action);
        } else {
          pool.forEach(items, action);
        }
        yield null;
      }
      case STREAM -> consume(round, state, requirePool(pool).stream(items, task));
      case STREAM_UNORDERED ->
          consume(round, state, requirePool(pool).streamUnordered(items, task));
      case MAP_ASYNC -> {
        CompletableFuture<List<Long>> future = requirePool(pool).mapAsync(items, task);
        if (round.cancel() == Cancel.CANCEL_FUTURE) {
          state.helper =
              Thread.ofPlatform()
                  .name("stress-canceller")
                  .start(
                      () -> {
                        try {
                          state.trigger.await(ROUND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                          return;
                        }
                        boolean cancelled = future.cancel(true);
                        // cancel(true) returns once the interrupted work has ended.
                        state.gaugeAfterCancel = state.gauge.now();
                        state.cancelReturned = cancelled;
                        state.cancelled |= cancelled;
                      });
        }
        try {
          yield future.get(ROUND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          throw new AsyncFailure(e.getCause());
        }
      }
      case COLLECTOR -> {
        Stream<Long> source = LongStream.range(0, round.size()).boxed();
        if (round.parallelSource()) {
          source = source.parallel();
        }
        yield source.collect(Parmap.toList(task));
      }
    };
  }

  /** What a mapAsync future failed with (unwrapped from ExecutionException). */
  static final class AsyncFailure extends Exception {
    private static final long serialVersionUID = 1L;

    AsyncFailure(Throwable cause) {
      super(cause);
    }
  }

  private static Pool requirePool(@Nullable Pool pool) {
    if (pool == null) {
      throw new IllegalStateException("this entry point needs a pool");
    }
    return pool;
  }

  private static Iterable<Long> inputFor(Round round, State state) {
    LongSupplier handedOver =
        switch (round.entry()) {
          case STREAM, STREAM_UNORDERED -> state.consumed::get;
          default -> state.finished::get;
        };
    return switch (round.input()) {
      case LIST -> new IndexList(round.size());
      case COLLECTION -> {
        LazyInput input = new LazyInput(round.size(), state, handedOver, true);
        state.input = input;
        yield input;
      }
      case LAZY -> {
        LazyInput input = new LazyInput(round.size(), state, handedOver, false);
        state.input = input;
        yield input.asIterable();
      }
    };
  }

  /** Pulls the stream the way the round says; returns what the consumer got, in order. */
  private static List<Long> consume(Round round, State state, Stream<Long> results) {
    List<Long> got = state.got;
    switch (round.cancel()) {
      case CLOSE_STREAM -> {
        try (results) {
          Iterator<Long> it = results.iterator();
          while (got.size() < round.k() && it.hasNext()) {
            take(state, got, it.next());
          }
          state.cancelled = true;
        }
      }
      case LIMIT -> {
        state.cancelled = true;
        results.limit(round.k()).forEach(r -> take(state, got, r));
      }
      case CONSUMER_THROWS -> {
        results.forEach(
            r -> {
              if (got.size() == round.k()) {
                state.cancelled = true;
                throw new ConsumerFailure();
              }
              take(state, got, r);
            });
      }
      default -> {
        switch (round.consumeStyle()) {
          case 0 -> results.forEach(r -> take(state, got, r));
          case 1 -> {
            try (results) {
              Iterator<Long> it = results.iterator();
              while (it.hasNext()) {
                take(state, got, it.next());
              }
            }
          }
          default -> {
            // toList() collects what parmap hands over: count it as it comes, not afterwards.
            got.addAll(results.peek(r -> state.consumed.incrementAndGet()).toList());
          }
        }
      }
    }
    return got;
  }

  private static void take(State state, List<Long> got, Long result) {
    got.add(result);
    state.consumed.incrementAndGet();
  }

  /** One item's task: counts, triggers the round's cancellation, costs, nests, fails. */
  private static Long runItem(Round round, State state, Long item) throws Exception {
    int i = (int) (long) item;
    if (i < 0 || i >= round.size()) {
      state.problem("task given item " + item + " outside the input");
      return -1L;
    }
    if (state.executions.getAndIncrement(i) != 0) {
      state.duplicates.incrementAndGet();
    }
    state.gauge.enter();
    try {
      long started = state.started.incrementAndGet();
      if (round.entry() == Entry.STREAM || round.entry() == Entry.STREAM_UNORDERED) {
        state.maxStartedAhead.accumulateAndGet(started - state.consumed.get(), Math::max);
      }
      if (i == round.k()) {
        trigger(round, state);
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
      } else if (cost > 0.999) {
        Thread.yield();
      }
      if (round.chance(i, 4) < round.nestedRate()) {
        nestedCall(round, state, i);
      }
      Failure failure = round.failures().get(i);
      if (failure != null) {
        Throwable t = failure.create(i);
        state.thrown.put(i, t);
        throwAny(t);
      }
      return expected(i);
    } finally {
      state.gauge.exit();
      state.finished.incrementAndGet();
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void throwAny(Throwable t) throws E {
    throw (E) t;
  }

  private static void trigger(Round round, State state) {
    switch (round.cancel()) {
      case INTERRUPT -> {
        state.interruptSent = true;
        state.cancelled = true;
        state.caller.interrupt();
      }
      case CANCEL_FUTURE -> state.trigger.countDown();
      case TERMINATE -> {
        Pool pool = state.pool;
        if (pool != null) {
          state.cancelled = true;
          state.helper = Thread.ofPlatform().name("stress-terminator").start(pool::terminate);
        }
      }
      default -> {}
    }
  }

  /** A small call from inside a task, on the same pool; its result is checked here. */
  private static void nestedCall(Round round, State state, int i) throws Exception {
    state.nested.incrementAndGet();
    int m = 1 + (int) (round.chance(i, 5) * 40);
    List<Integer> sub = IntStream.range(0, m).boxed().toList();
    List<Integer> want = IntStream.range(1, m + 1).boxed().toList();
    Pool pool = state.pool;
    List<Integer> got;
    if (pool == null) {
      got = Parmap.map(sub, j -> j + 1);
    } else {
      switch (i % 3) {
        case 0 -> got = pool.map(sub, j -> j + 1);
        case 1 -> {
          try (Stream<Integer> s = pool.stream(sub, j -> j + 1)) {
            got = s.toList();
          }
        }
        default -> {
          AtomicIntegerArray seen = new AtomicIntegerArray(m);
          pool.forEach(sub, j -> seen.incrementAndGet(j));
          for (int j = 0; j < m; j++) {
            if (seen.get(j) != 1) {
              throw new AssertionError("nested forEach ran item " + j + " " + seen.get(j) + "x");
            }
          }
          got = want;
        }
      }
    }
    if (!got.equals(want)) {
      throw new AssertionError("nested call of item #" + i + " returned " + got);
    }
  }

  // -----------------------------------------------------------------------------------------
  // Checks

  /** Checks every invariant of a round; returns a short name of its outcome for the tally. */
  private static String check(
      Round round,
      State state,
      @Nullable List<Long> results,
      @Nullable Throwable thrown,
      boolean flagAfter,
      int runningAfter) {
    String where = round.toString();
    List<String> problems = new ArrayList<>(state.problems);
    Throwable failure = thrown instanceof AsyncFailure async ? async.getCause() : thrown;

    if (state.duplicates.get() > 0) {
      problems.add(state.duplicates.get() + " items ran more than once");
    }
    if (runningAfter != 0 && !(failure instanceof CancellationException)) {
      problems.add(runningAfter + " tasks still running when the call ended");
    }
    if (state.cancelReturned && state.gaugeAfterCancel != 0) {
      problems.add(state.gaugeAfterCancel + " tasks still running when cancel(true) returned");
    }
    int bound = round.concurrencyBound();
    if (state.gauge.max() > bound) {
      problems.add(state.gauge.max() + " tasks ran at once, more than " + bound);
    }
    if (state.maxStartedAhead.get() > Pool.DEFAULT_WINDOW) {
      problems.add(
          state.maxStartedAhead.get() + " tasks started ahead of the consumer, beyond the window");
    }
    LazyInput input = state.input;
    if (input != null) {
      if (input.maxOutstanding > Pool.DEFAULT_WINDOW) {
        problems.add(input.maxOutstanding + " items read and not handed over, beyond the window");
      }
      if (input.askedAfterEnd > 0) {
        problems.add("the iterator was asked " + input.askedAfterEnd + "x after it ended");
      }
      if (input.reads > round.size()) {
        problems.add(input.reads + " items read of " + round.size());
      }
    }
    if (flagAfter != state.interruptSent) {
      problems.add(
          "interrupt flag after the call is "
              + flagAfter
              + " but the caller was "
              + (state.interruptSent ? "" : "not ")
              + "interrupted");
    }

    String outcome;
    if (failure == null) {
      outcome = "ok";
      checkSuccess(round, state, results, problems);
    } else {
      outcome = failure.getClass().getSimpleName();
      checkFailure(round, state, failure, results, problems);
    }
    {
      List<NoLeakedThreadsExtension.LeakedThread> leaked =
          NoLeakedThreadsExtension.findLeakedThreads(NoLeakedThreadsExtension.THREAD_NAME_PREFIX)
              .stream()
              .filter(t -> !isOfSharedPool(t.name()))
              .toList();
      if (!leaked.isEmpty()) {
        problems.add("parmap threads alive after the round: " + leaked);
      }
    }
    if (!problems.isEmpty()) {
      AssertionError error =
          new AssertionError(
              where + "\n  outcome " + outcome + "\n  " + String.join("\n  ", problems));
      if (thrown != null) {
        error.initCause(thrown);
      }
      throw error;
    }
    return outcome;
  }

  private static final Set<String> SHARED_PREFIXES = ConcurrentHashMap.newKeySet();

  private static boolean isOfSharedPool(String threadName) {
    for (String prefix : SHARED_PREFIXES) {
      if (threadName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static void checkSuccess(
      Round round, State state, @Nullable List<Long> results, List<String> problems) {
    boolean earlyStop =
        round.cancel() == Cancel.CLOSE_STREAM
            || round.cancel() == Cancel.LIMIT
            || round.cancel() == Cancel.CONSUMER_THROWS;
    if (round.cancel() == Cancel.CONSUMER_THROWS) {
      // Its consumer throws only on result k: the stream may end first, if k is past its end.
      earlyStop = results != null && results.size() >= round.k();
    }
    if (!earlyStop && !state.thrown.isEmpty()) {
      problems.add("the call succeeded although items failed: " + state.thrown.keySet());
    }
    if (round.entry() == Entry.FOR_EACH) {
      if (results != null) {
        problems.add("forEach gave results");
      }
    } else if (results == null) {
      problems.add("no results");
      return;
    }
    int expectedCount = round.size();
    if (earlyStop) {
      expectedCount = Math.min(round.k(), round.size());
    }
    if (round.entry() == Entry.STREAM_UNORDERED) {
      checkDistinct(round, results, problems);
      if (results != null && results.size() != expectedCount) {
        problems.add(results.size() + " results, expected " + expectedCount);
      }
    } else if (results != null) {
      checkInOrder(results, expectedCount, problems);
    }
    if (!earlyStop) {
      for (int i = 0; i < round.size(); i++) {
        if (state.executions.get(i) != 1) {
          problems.add(
              "item #" + i + " ran " + state.executions.get(i) + "x in a call that succeeded");
          break;
        }
      }
    }
  }

  private static void checkInOrder(List<Long> results, int count, List<String> problems) {
    if (results.size() != count) {
      problems.add(results.size() + " results, expected " + count);
    }
    for (int i = 0; i < Math.min(count, results.size()); i++) {
      Long r = results.get(i);
      if (r == null || r != expected(i)) {
        problems.add("result #" + i + " is " + r + ", expected " + expected(i));
        return;
      }
    }
  }

  private static void checkDistinct(
      Round round, @Nullable List<Long> results, List<String> problems) {
    if (results == null) {
      return;
    }
    BitSet seen = new BitSet(round.size());
    for (Long r : results) {
      if (r == null || r < 1 || (r - 1) % 3 != 0 || (r - 1) / 3 >= round.size()) {
        problems.add("result " + r + " is no item's");
        return;
      }
      int i = (int) ((r - 1) / 3);
      if (seen.get(i)) {
        problems.add("the result of item #" + i + " came twice");
        return;
      }
      seen.set(i);
    }
  }

  private static void checkFailure(
      Round round,
      State state,
      Throwable failure,
      @Nullable List<Long> results,
      List<String> problems) {
    if (failure instanceof InjectedOutOfMemoryError oom) {
      // Rethrown as it is, with the TaskFailedException attached.
      if (!state.thrown.containsValue(oom)) {
        problems.add("an OutOfMemoryError that no task threw: " + oom);
      }
      boolean attached = false;
      for (Throwable s : oom.getSuppressed()) {
        if (s instanceof TaskFailedException tfe && tfe.getCause() == oom) {
          attached = true;
          checkTaskFailure(state, tfe, problems);
        }
      }
      if (!attached) {
        problems.add("the OutOfMemoryError has no TaskFailedException for its item attached");
      }
    } else if (failure instanceof TaskFailedException tfe) {
      checkTaskFailure(state, tfe, problems);
      for (Throwable s : tfe.getSuppressed()) {
        if (s instanceof TaskFailedException other) {
          checkTaskFailure(state, other, problems);
        }
      }
    } else if (failure instanceof CallInterruptedException interrupted) {
      if (!state.interruptSent) {
        problems.add("CallInterruptedException but nobody interrupted the caller");
      }
      if (!(interrupted.getCause() instanceof InterruptedException)) {
        problems.add("CallInterruptedException without the InterruptedException as its cause");
      }
      for (Throwable s : interrupted.getSuppressed()) {
        if (s instanceof TaskFailedException tfe) {
          checkTaskFailure(state, tfe, problems);
        }
      }
    } else if (failure instanceof ConsumerFailure) {
      if (round.cancel() != Cancel.CONSUMER_THROWS || results != null) {
        problems.add("a ConsumerFailure where the consumer should not throw");
      }
    } else if (failure instanceof CancellationException) {
      if (round.cancel() != Cancel.CANCEL_FUTURE || !state.cancelled) {
        problems.add("the future was cancelled, but not by the test");
      }
    } else if (failure.getClass() == ParmapException.class
        && String.valueOf(failure.getMessage()).contains("terminated")) {
      if (round.cancel() != Cancel.TERMINATE || !state.cancelled) {
        problems.add("the pool was terminated, but not by the test: " + failure);
      }
    } else {
      problems.add("unexpected failure " + failure);
    }
    // A stream ended by the failure: what came before it is in order, once each.
    if (round.entry() == Entry.STREAM) {
      checkInOrder(state.got, state.got.size(), problems);
    } else if (round.entry() == Entry.STREAM_UNORDERED) {
      checkDistinct(round, state.got, problems);
    }
  }

  private static void checkTaskFailure(
      State state, TaskFailedException tfe, List<String> problems) {
    long index = tfe.index();
    Throwable injected =
        index >= 0 && index < Integer.MAX_VALUE ? state.thrown.get((int) index) : null;
    if (injected == null) {
      problems.add(
          "TaskFailedException for item #" + index + ", which was not made to fail: " + tfe);
      return;
    }
    if (tfe.getCause() != injected) {
      problems.add("item #" + index + " failed with " + tfe.getCause() + ", not with " + injected);
    }
    if (!Long.valueOf(index).equals(tfe.item())) {
      problems.add("TaskFailedException for item #" + index + " names the item " + tfe.item());
    }
  }
}
