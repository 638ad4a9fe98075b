package dev.parmap;

import dev.parmap.engine.CallKind;
import dev.parmap.engine.ClosingStreams;
import dev.parmap.engine.Launcher;
import dev.parmap.engine.PoolContext;
import dev.parmap.engine.PoolTimer;
import dev.parmap.engine.PoolWork;
import dev.parmap.engine.Run;
import dev.parmap.engine.SharedSecrets;
import dev.parmap.engine.Submission;
import dev.parmap.engine.ThreadRegistry;
import dev.parmap.engine.Ticker;
import dev.parmap.engine.Work;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A pool of threads that runs a task over many items in parallel: the Java counterpart of Python's
 * {@code multiprocessing.dummy.Pool}.
 *
 * <pre>{@code
 * try (Pool pool = Pool.threads()) {                 // Python: pool = ThreadPool()
 *     List<String> pages = pool.map(urls, Http::get); // Python: pool.map(get, urls)
 * }                                                  // Python: pool.close(); pool.join()
 * }</pre>
 *
 * <h2>Kinds of pool</h2>
 *
 * <ul>
 *   <li>{@link #virtual()}: a virtual thread per task, for blocking work (I/O, sleeps, remote
 *       calls) and CPU work alike. {@link Parmap} uses it.
 *   <li>{@link #virtual(int)}: the same, with at most that many tasks running at once.
 *   <li>{@link #threads()} and {@link #threads(int)}: a fixed number of platform threads, as
 *       Python's {@code ThreadPool}.
 *   <li>{@link #using(ExecutorService)}: your own executor.
 * </ul>
 *
 * <h2>Contract of every call</h2>
 *
 * <ul>
 *   <li><b>Order.</b> {@link #map}, {@link #mapAsync} and {@link #stream} give one result per item,
 *       in the order of the input, whatever order the items finish in. {@link #streamUnordered}
 *       gives them in the order they finish.
 *   <li><b>Input.</b> Items are read lazily, by the thread that drives the call (the caller of
 *       {@code map} or {@code forEach}, the consumer of a stream, a pool thread for {@code
 *       mapAsync}), and at most a bounded window of items read but not yet handed over is held
 *       (16,384 by default), so an input far larger than memory can be streamed. The input is read
 *       once, by one thread at a time, a {@link java.util.RandomAccess} list's {@code get(i)}
 *       included (a {@code get} that throws is an {@link InputFailedException}). {@code null} items
 *       are allowed and passed to the task; a task may return {@code null}.
 *   <li><b>Fail fast.</b> When a task throws for an item, no further item starts, the running tasks
 *       are interrupted, the call waits until every one of them has ended, and then throws a {@link
 *       TaskFailedException} naming the item and its index, with the task's exception as its cause.
 *       A failure of the input's iterator gives an {@link InputFailedException} in the same way. A
 *       {@link VirtualMachineError} thrown by a task, such as {@link OutOfMemoryError}, is rethrown
 *       as it is after the same clean-up (with the {@code TaskFailedException} attached as
 *       suppressed); a {@link StackOverflowError} is reported like any other exception.
 *   <li><b>Interruption.</b> If the calling thread is interrupted while it waits, the running tasks
 *       are interrupted and awaited, the interrupt flag is set again, and the call throws {@link
 *       CallInterruptedException}.
 *   <li><b>Nothing left behind.</b> When a call returns or throws, none of its tasks is running and
 *       no thread started for it is alive. (A {@link #threads} pool's own threads live until the
 *       pool is closed, like Python's.)
 *   <li><b>Threads.</b> Tasks run on the pool's threads, whose names start with {@code parmap-}
 *       (for pools made by {@code virtual} and {@code threads}). Consecutive cheap items may run
 *       one after the other on the same thread: the pool measures the cost of items and groups
 *       cheap ones so that handing work to a thread costs little. Slow items run one per thread.
 * </ul>
 *
 * <h2>Per-worker resources</h2>
 *
 * An object that is expensive to make and not thread-safe (a parser, a connection, a {@link
 * java.security.MessageDigest}) is given to the tasks with {@link #mapWith}, or for the other calls
 * with a {@link WorkerResource}'s {@link WorkerResource#task task}: a call makes at most one per
 * task it runs at once, lazily, lends each to one task at a time for many items, and closes all of
 * them before it returns or throws, however it ends. On every kind of pool: on {@link #virtual()}
 * the resources belong to the call, not to its short-lived threads. See {@link WorkerResource}.
 *
 * <h2>Lifecycle</h2>
 *
 * A pool is thread-safe: several threads may run calls on it at once. {@link #close()} (Python's
 * {@code close()} followed by {@code join()}) refuses new work and waits for the work already
 * submitted; {@link #terminate()} interrupts it and waits until it has stopped. Using a closed pool
 * throws {@link IllegalStateException}.
 *
 * <p>Code that takes a {@link ParallelPool} instead of a {@code Pool} runs unchanged on any of
 * parmap's pools: moving a call to another kind of pool is a one-line change.
 *
 * @since 0.1
 */
public final class Pool implements ParallelPool {

  /** Items read from the input and not yet handed over, at most, per call: the engine's. */
  static final int DEFAULT_WINDOW = PoolContext.DEFAULT_WINDOW;

  static {
    // The shared secret of parmap's other modules (see SharedSecrets): this package's public
    // types, whose implementation stays package-private. Set once, when the class is initialized.
    SharedSecrets.setCoreTypes(CoreTypes.INSTANCE);
    SharedSecrets.setOptionsReader(options -> ((MapOptions) options).forEngine());
    SharedSecrets.setResourceWorkReader(
        task -> task instanceof WorkerResource.Bound<?, ?, ?> bound ? bound.forEngine() : null);
  }

  private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

  private final String description;
  private final Launcher launcher;
  private final ThreadFactory asyncThreads;
  private final String threadPrefix;

  private final PoolWork life;
  private final PoolTimer timer;
  private final MapOptions options;
  private final PoolContext context; // what this pool's calls need of it
  private final Ticker ticker; // the engine's clock: the system's, or a test's (see clockedBy)

  private Pool(String kind, Launcher launcher, String threadPrefix) {
    this.description = "Pool." + kind;
    this.launcher = launcher;
    this.threadPrefix = threadPrefix;
    this.asyncThreads = Thread.ofVirtual().name(threadPrefix + "async-", 0).factory();
    this.life = new PoolWork();
    this.timer = new PoolTimer(threadPrefix);
    this.options = MapOptions.defaults();
    this.ticker = Ticker.SYSTEM;
    this.context = contextOf(this);
  }

  /** A view of {@code base} whose calls use {@code options} and read time from {@code ticker}. */
  private Pool(Pool base, MapOptions options, Ticker ticker) {
    this.description = base.description;
    this.launcher = base.launcher;
    this.threadPrefix = base.threadPrefix;
    this.asyncThreads = base.asyncThreads;
    this.life = base.life;
    this.timer = base.timer;
    this.options = options;
    this.ticker = ticker;
    this.context = contextOf(this);
  }

  private static PoolContext contextOf(Pool pool) {
    return new PoolContext(
        pool.description,
        pool.launcher,
        pool.threadPrefix,
        DEFAULT_WINDOW,
        pool.timer,
        pool.life,
        pool.ticker,
        CoreTypes.INSTANCE);
  }

  // ---------------------------------------------------------------------------------------------
  // Factories

  /**
   * A pool of as many platform threads as the machine has processors: Python's {@code
   * ThreadPool()}. The threads are created as needed, are daemon threads, and live until the pool
   * is closed.
   *
   * @return a new pool; close it when done
   */
  public static Pool threads() {
    return threads(Runtime.getRuntime().availableProcessors());
  }

  /**
   * A pool of {@code threads} platform threads: Python's {@code ThreadPool(n)}. At most that many
   * tasks run at once, across all the calls made on the pool.
   *
   * @param threads the number of threads, at least 1
   * @return a new pool; close it when done
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static Pool threads(int threads) {
    positive(threads, "threads");
    String prefix = "parmap-threads-" + POOL_NUMBERS.incrementAndGet() + "-";
    ThreadRegistry registry = new ThreadRegistry(prefix + "worker-");
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), registry);
    Launcher launcher =
        new Launcher.OnExecutor(executor, threads, Math.min(2 * threads, DEFAULT_WINDOW), registry);
    return new Pool("threads(" + threads + ")", launcher, prefix);
  }

  /**
   * A pool that runs each task on a new virtual thread, with no limit on how many run at once
   * beyond the window of each call: the default of {@link Parmap}. Right for blocking work
   * (thousands of items waiting on I/O run together) and for CPU work (virtual threads share the
   * JVM's carrier threads, one per processor). Closing it waits for the work; there are no threads
   * to shut down.
   *
   * @return a new pool; close it when done
   */
  public static Pool virtual() {
    int cpus = Runtime.getRuntime().availableProcessors();
    String prefix = "parmap-virtual-" + POOL_NUMBERS.incrementAndGet() + "-";
    return new Pool(
        "virtual()", new Launcher.Virtual(prefix + "worker-", cpus, DEFAULT_WINDOW, null), prefix);
  }

  /**
   * A pool that runs each task on a new virtual thread, with at most {@code maxConcurrency} tasks
   * running at once across all calls on the pool: use it to protect a service from too many
   * concurrent requests.
   *
   * @param maxConcurrency the most tasks running at once, at least 1
   * @return a new pool; close it when done
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   */
  public static Pool virtual(int maxConcurrency) {
    positive(maxConcurrency, "maxConcurrency");
    int cpus = Runtime.getRuntime().availableProcessors();
    String prefix = "parmap-virtual-" + POOL_NUMBERS.incrementAndGet() + "-";
    Launcher launcher =
        new Launcher.Virtual(
            prefix + "worker-",
            Math.min(maxConcurrency, cpus),
            Math.min(maxConcurrency, DEFAULT_WINDOW),
            new Semaphore(maxConcurrency));
    return new Pool("virtual(" + maxConcurrency + ")", launcher, prefix);
  }

  /**
   * A pool that runs tasks on an executor you own. {@link #close()} waits for the pool's work but
   * does not shut the executor down: that stays your job.
   *
   * <p>How many tasks a call keeps in flight follows the executor's real capacity: for a {@link
   * ThreadPoolExecutor}, its threads (the maximum pool size, or the core size when its queue is
   * unbounded, as it then never grows past it) and at most as many as its threads and queue hold
   * together (a {@link java.util.concurrent.SynchronousQueue} holds none); the parallelism of a
   * {@link ForkJoinPool}; otherwise as many as for {@link #virtual()}. Thread names are the
   * executor's.
   *
   * <p><b>When the executor rejects work</b> (it is full: other calls on the pool, or other users
   * of the executor, hold its room), a call that has tasks of this pool running waits until one
   * ends and tries again, as does {@link #submit} called from outside a task of the pool: a
   * rejection is backpressure. A call or {@code submit} fails only when the executor is shut down,
   * or keeps rejecting for a second while no task of this pool runs on it (it is full of someone
   * else's work): the call with a {@link ParmapException} whose cause is the {@link
   * java.util.concurrent.RejectedExecutionException}, after its running tasks have ended, and the
   * future of {@code submit} exceptionally with that exception. A call made from inside a task of
   * the pool (a nested call) does not wait for room: the tasks it would wait for may be waiting for
   * it.
   *
   * @param executor the executor to run tasks on; it must not be shut down
   * @return a new pool; close it when done
   * @throws IllegalArgumentException if the executor is already shut down
   */
  public static Pool using(ExecutorService executor) {
    notNull(executor, "executor");
    if (executor.isShutdown()) {
      throw new IllegalArgumentException(
          "executor is shut down: pass an executor that can still run tasks");
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    int concurrency = DEFAULT_WINDOW;
    long capacity = Long.MAX_VALUE; // tasks the executor accepts at once, running and queued
    if (executor instanceof ThreadPoolExecutor tpe) {
      int queueRoom = tpe.getQueue().remainingCapacity();
      if (queueRoom == Integer.MAX_VALUE) {
        // An unbounded queue: the executor never grows past its core size (at least one thread).
        concurrency = Math.min(Math.max(1, tpe.getCorePoolSize()), DEFAULT_WINDOW);
      } else {
        concurrency = Math.min(tpe.getMaximumPoolSize(), DEFAULT_WINDOW);
        capacity = (long) tpe.getMaximumPoolSize() + queueRoom;
      }
    } else if (executor instanceof ForkJoinPool fjp) {
      concurrency = Math.min(fjp.getParallelism(), DEFAULT_WINDOW);
    }
    int parallelism = Math.max(1, Math.min(concurrency, cpus));
    int inFlight = concurrency >= DEFAULT_WINDOW ? DEFAULT_WINDOW : 2 * concurrency;
    inFlight = (int) Math.max(1, Math.min(inFlight, capacity));
    String prefix = "parmap-using-" + POOL_NUMBERS.incrementAndGet() + "-";
    return new Pool(
        "using(" + executor.getClass().getSimpleName() + ")",
        new Launcher.OnExecutor(executor, parallelism, inFlight, null),
        prefix);
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /**
   * Applies {@code task} to every item in parallel and returns the results in input order: Python's
   * {@code pool.map(task, items)}. Blocks until every item is done.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return an unmodifiable list with the result of item {@code i} at position {@code i} (it may
   *     hold {@code null}s)
   * @throws TaskFailedException if a task threw (fail fast: see the class description)
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> List<R> map(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return this.<T, R>start(items, task, CallKind.MAP).toList();
  }

  /**
   * Applies {@code action} to every item in parallel: Python's {@code pool.map(process, items)}
   * when {@code process} returns nothing. Blocks until every item is done; failures, interruption
   * and clean-up are as for {@link #map}.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param action applied to each item
   * @throws TaskFailedException if an action threw
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code action} is null
   */
  @Override
  public <T extends @Nullable Object> void forEach(
      Iterable<? extends T> items, Action<? super T> action) {
    notNull(action, "action");
    Task<? super T, @Nullable Object> task =
        action instanceof WorkerResource.BoundAction<? super T> bound
            ? bound.task()
            : item -> {
              action.accept(item);
              return null;
            };
    this.<T, @Nullable Object>start(items, task, CallKind.FOR_EACH).runAll();
  }

  /**
   * Applies {@code task} to the items in parallel and streams the results in input order, lazily:
   * Python's {@code pool.imap(task, items)}. Each result is available as soon as it and every
   * result before it are done; items later than a slow one keep running meanwhile, up to the
   * window. This holds for a slow input too: the input is read in short bursts, and what is done is
   * handed over before more is read.
   *
   * <p>Nothing runs until the stream is consumed: the input is read, and tasks are started, as the
   * stream is pulled. A task's failure is thrown by the stream operation that pulls next, without
   * waiting for the failed item to reach the head (as a {@link TaskFailedException}, after the
   * running tasks have been interrupted and have ended). If the code consuming the stream throws,
   * the running tasks are interrupted and awaited before the exception leaves.
   *
   * <p><b>Closing</b> the stream interrupts its running tasks and waits for them. Every terminal
   * operation closes the stream as it returns or throws: after any of them, short-circuiting ones
   * such as {@code limit(n).toList()} and {@code findFirst()} included, no task of the stream is
   * running. Close it yourself (try-with-resources) only if you traverse it with {@code iterator()}
   * or {@code spliterator()} (as {@code gather} and {@code Stream.concat} do), or may abandon it
   * before its terminal operation: an unclosed stream lets its running tasks finish, starts no new
   * ones, and holds at most the window of results. Like every stream it must be used by one thread
   * at a time, including its {@code close()}.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential, ordered stream of the results
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> stream(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(this.<T, R>start(items, task, CallKind.STREAM));
  }

  /**
   * As {@link #stream}, closing included, but results come in the order they finish: Python's
   * {@code pool.imap_unordered(task, items)}.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential stream of the results in completion order
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> streamUnordered(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(this.<T, R>start(items, task, CallKind.STREAM_UNORDERED));
  }

  /**
   * Starts {@link #map} in the background: Python's {@code pool.map_async(task, items)}. The future
   * completes with the ordered results, or exceptionally with what {@code map} would have thrown.
   * {@code cancel(true)} interrupts the running tasks and returns once they have ended (waiting at
   * most the {@linkplain MapOptions#cancellationGrace() cancellation grace} for tasks that ignore
   * interruption); called from a task of this pool, it interrupts them and returns at once, as it
   * could otherwise wait for itself. {@link #close()} waits for them in every case, however long
   * they take. The items are read on a background thread of the pool, made for this call alone.
   *
   * <p>{@code join()}, {@code get()} and {@code get(timeout, unit)} return only once that thread
   * has terminated, and with it every task of the call: nothing started for the call is alive then.
   * (Other ways to observe completion, such as {@code isDone()} or a dependent stage, may see it a
   * moment before the thread has terminated. A cancelled future's methods do not wait.)
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a future of the results in input order
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object>
      CompletableFuture<List<R>> mapAsync(
          Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    Run<T, R> run = this.<T, R>start(items, task, CallKind.MAP_ASYNC);
    Submission<List<R>> submission =
        new Submission<>(
            context, options.cancellationGrace(), run::toList, Submission.Kind.CALL_DRIVER);
    submission.whenNeverRun(run::close); // cancelled before its thread started: end the call
    life.add(submission, null, this); // close() waits until the future is complete
    try {
      asyncThreads.newThread(submission).start();
    } catch (RuntimeException | OutOfMemoryError e) {
      submission.completeExceptionally(e);
      life.submissionEnded(submission, null);
      run.close();
    }
    return submission;
  }

  /**
   * Runs one task on the pool: Python's {@code pool.apply_async(task)}. The future completes with
   * the task's result or, exceptionally, with exactly what it threw. {@code cancel(true)}
   * interrupts the task if it is running and returns once it has ended (at most the cancellation
   * grace later, for a task that ignores interruption; at once when called from a task of this
   * pool, which could be the one it would wait for). {@link #close()} waits for submitted tasks,
   * cancelled ones included, however long they take.
   *
   * <p>{@code join()}, {@code get()} and {@code get(timeout, unit)} return only once the task is
   * over: on a pool that makes a thread per task ({@link #virtual()}, {@link #virtual(int)}), once
   * that thread has terminated; on a pool of long-lived threads, the thread goes back to the pool
   * and may still be finishing its bookkeeping for a moment. (Other ways to observe completion,
   * such as {@code isDone()} or a dependent stage, may see it before the thread has terminated. A
   * cancelled future's methods do not wait.)
   *
   * @param task the task
   * @return a future of its result
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code task} is null
   */
  public <R extends @Nullable Object> CompletableFuture<R> submit(Callable<R> task) {
    notNull(task, "task");
    Submission<R> submission =
        new Submission<>(
            context,
            options.cancellationGrace(),
            task,
            launcher instanceof Launcher.Virtual
                ? Submission.Kind.TASK_ON_ITS_OWN_THREAD
                : Submission.Kind.POOLED_TASK);
    life.add(submission, "submit", this);
    try {
      launcher.launch(submission, !isRunningTaskOnCurrentThread());
    } catch (RuntimeException | OutOfMemoryError e) {
      submission.completeExceptionally(e);
      life.submissionEnded(submission, null);
    }
    return submission;
  }

  /**
   * This pool with {@code options} for its calls: timeouts, deadline, retry, rate limit, maximum
   * concurrency (see {@link MapOptions} for how they combine). The result is a view: it shares this
   * pool's threads, work and lifecycle, so closing either one closes both, and its calls count as
   * this pool's for {@link #close()}. Views are cheap; make one per set of options.
   *
   * <pre>{@code
   * try (Pool pool = Pool.virtual().with(options)) {
   *     List<Page> pages = pool.map(urls, Http::get);
   * }
   * }</pre>
   *
   * @param options the options of the view's calls (they replace, not add to, this pool's)
   * @return a view of this pool with those options
   */
  @Override
  public Pool with(MapOptions options) {
    notNull(options, "options");
    return new Pool(this, options, ticker);
  }

  /**
   * The options this pool's calls use.
   *
   * @return {@link MapOptions#defaults()} unless this is a {@link #with} view
   */
  public MapOptions options() {
    return options;
  }

  /**
   * Applies {@code task} to every item and reports one {@link Outcome} per item, in input order,
   * instead of failing fast: a failed item does not stop the others. Blocks until every item is
   * done. With a {@linkplain MapOptions#deadline() deadline}, the items it cuts short (and, for a
   * {@link java.util.Collection} input, the items not yet read) are failures whose cause is a
   * {@link DeadlineExceededException}; for other inputs the items not yet read have no outcome and
   * {@link Outcomes#isComplete()} says so. A {@linkplain MapOptions#failureBudget() failure budget}
   * that is exceeded stops the call the same way, the cause being a {@link
   * FailureBudgetExceededException}.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return the outcomes, in input order
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> Outcomes<T, R> mapOutcomes(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    Run<T, Outcome<T, R>> run = this.<T, Outcome<T, R>>start(items, task, CallKind.MAP_OUTCOMES);
    List<Outcome<T, R>> all = run.toList();
    return new Outcomes<>(all, run.complete());
  }

  /**
   * As {@link #mapOutcomes}, but lazily: a stream of one {@link Outcome} per item read, in input
   * order, with the same laziness, window and closing rules as {@link #stream}. With a {@linkplain
   * MapOptions#deadline() deadline} (counted from the creation of the stream), the stream ends once
   * it passes: the items read by then that did not finish are failures whose cause is a {@link
   * DeadlineExceededException}, and the rest of the input is not read and has no outcome.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential, ordered stream of the outcomes
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomes(
          Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(this.<T, Outcome<T, R>>start(items, task, CallKind.STREAM_OUTCOMES));
  }

  /**
   * As {@link #streamOutcomes}, closing and deadline included, but in the order the items finish:
   * Python's {@code imap_unordered} over {@code enumerate(items)}. Each {@link Outcome} carries its
   * item and its {@linkplain Outcome#index() index}, so results can be matched to their input as
   * they come; a failed item does not stop the others.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential stream of the outcomes, in completion order
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if {@code items} or {@code task} is null
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomesUnordered(
          Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(this.<T, Outcome<T, R>>start(items, task, CallKind.STREAM_OUTCOMES_UNORDERED));
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Refuses new work and waits until the work already given to the pool has finished: calls in
   * progress on other threads, {@link #mapAsync} and {@link #submit} tasks. Then stops the pool's
   * own threads and waits until they have terminated. Python's {@code close()} and {@code join()}.
   *
   * <p>Result streams are not waited for (nobody may ever consume them): their running tasks are,
   * and such a stream then throws {@link IllegalStateException} when it would need to start another
   * task. Tasks that a call or a cancelled future gave up waiting for, because they ignored
   * interruption for the whole {@linkplain MapOptions#cancellationGrace() cancellation grace}, are
   * waited for too, however long they take: Java cannot stop a thread. If the calling thread is
   * interrupted while it waits, the pool is {@linkplain #terminate() terminated} instead, and the
   * interrupt flag is set when this method returns. Calling it again has no further effect, and
   * waits as the first call does.
   *
   * <p>Last, it closes the per-worker resources that the pool {@linkplain
   * WorkerResource#keptByPool() kept} between calls.
   *
   * @throws IllegalStateException if called from a task of this pool (it would wait for itself)
   * @throws ParmapException if a kept worker resource threw when closed (its cause; the others were
   *     closed all the same, and what they threw is suppressed in it)
   */
  @Override
  public void close() {
    if (isRunningTaskOnCurrentThread()) {
      throw new IllegalStateException(
          "close() called from inside a task of "
              + this
              + ": it would wait for its own task; close the pool from the thread that made it");
    }
    boolean interrupted = life.closeAndAwait();
    launcher.shutdown();
    timer.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable notClosed = life.closeKeptResources();
    if (notClosed != null) {
      throw new ParmapException(
          "a worker resource kept by " + this + " threw when the pool closed it", notClosed);
    }
  }

  /**
   * Refuses new work, interrupts all running tasks, lets no queued item start, and waits until
   * everything has stopped: Python's {@code terminate()} followed by {@code join()}. Calls in
   * progress throw a {@link ParmapException} saying the pool was terminated; futures from {@link
   * #submit} are cancelled.
   *
   * @throws IllegalStateException if called from a task of this pool (it would wait for itself)
   */
  public void terminate() {
    if (isRunningTaskOnCurrentThread()) {
      throw new IllegalStateException(
          "terminate() called from inside a task of " + this + ": it would wait for its own task");
    }
    life.terminate("the pool was terminated");
    close();
  }

  /**
   * Whether {@link #close()} or {@link #terminate()} has been called.
   *
   * @return {@code true} once the pool refuses new work
   */
  public boolean isClosed() {
    return life.isClosed();
  }

  @Override
  public String toString() {
    return options.equals(MapOptions.defaults())
        ? description
        : description + ".with(" + options + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /**
   * A view of this pool whose calls read time, sleep and draw jitter from {@code ticker}, and whose
   * {@link #with} views do too: how tests in this package check backoff and rate limits without
   * waiting. The clock is the engine's, not a call's option, so {@link MapOptions} stays a value.
   */
  Pool clockedBy(Ticker ticker) {
    return new Pool(this, options, ticker);
  }

  /** The start of the names of the threads this pool makes, e.g. {@code parmap-virtual-3-}. */
  String threadPrefix() {
    return threadPrefix;
  }

  /**
   * Registers a new call. {@code R} is the type handed over: the task's results, or their {@link
   * Outcome}s when {@code outcomes} is set.
   */
  private <T extends @Nullable Object, R extends @Nullable Object> Run<T, R> start(
      Iterable<? extends T> items, Task<? super T, ?> task, CallKind kind) {
    notNull(items, "items");
    notNull(task, kind == CallKind.FOR_EACH ? "action" : "task");
    String what = kind.what();
    life.checkOpen(what, this); // fail before touching the input
    @SuppressWarnings("unchecked")
    Task<@Nullable Object, @Nullable Object> erased =
        (Task<@Nullable Object, @Nullable Object>) task;
    Work work =
        task instanceof WorkerResource.Bound<?, ?, ?> bound ? bound.forEngine() : erased::apply;
    Run<T, R> run = new Run<>(context, items, work, kind, options.forEngine());
    life.register(run, kind.waitsForTheWholeCall(), what, this);
    return run;
  }

  private static <R extends @Nullable Object> Stream<R> streamOf(Run<?, R> run) {
    return ClosingStreams.over(run.spliterator(), run::close);
  }

  /** Whether the current thread is running a task of this pool (a call made now is nested). */
  private boolean isRunningTaskOnCurrentThread() {
    return life.isRunningTaskOnCurrentThread(); // a with() view is the same pool
  }

  static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
    }
  }

  static void notNull(@Nullable Object value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
  }
}
