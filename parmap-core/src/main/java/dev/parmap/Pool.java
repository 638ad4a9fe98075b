package dev.parmap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 * <h2>Lifecycle</h2>
 *
 * A pool is thread-safe: several threads may run calls on it at once. {@link #close()} (Python's
 * {@code close()} followed by {@code join()}) refuses new work and waits for the work already
 * submitted; {@link #terminate()} interrupts it and waits until it has stopped. Using a closed pool
 * throws {@link IllegalStateException}.
 *
 * @since 0.1
 */
public final class Pool implements ParallelPool {

  /** Items read from the input and not yet handed over, at most, per call. */
  static final int DEFAULT_WINDOW = 16_384;

  private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
  private static final ThreadLocal<@Nullable Pool> CURRENT_POOL = new ThreadLocal<>();

  private final String description;
  private final Launcher launcher;
  private final ThreadFactory asyncThreads;
  private final String threadPrefix;

  private final Lifecycle life;
  private final MapOptions options;

  /** What a pool and its {@link #with} views share: their work, and whether they are closed. */
  private static final class Lifecycle {
    final ReentrantLock lock = new ReentrantLock();
    final Condition idle = lock.newCondition();
    // Guarded by lock.
    boolean closed;
    final Set<Run<?, ?>> runs = new HashSet<>(); // blocking calls in progress
    // Result streams, held weakly: one dropped unclosed (with nothing in flight, so nothing else
    // holds it) must not stay in memory, with its buffered results, until the pool closes.
    final Set<Run<?, ?>> streams = Collections.newSetFromMap(new WeakHashMap<>());
    int blockingCalls;
    final Set<Submission<?>> submissions = new HashSet<>();
    final List<Thread> endedSubmissionThreads = new ArrayList<>();
    // Calls that gave up on tasks ignoring interruption (after their cancellation grace), and the
    // threads made for those tasks alone: close() waits for them all the same.
    final List<Run<?, ?>> abandonedRuns = new ArrayList<>();
    final List<Thread> abandonedThreads = new ArrayList<>();
  }

  private Pool(String kind, Launcher launcher, String threadPrefix) {
    this.description = "Pool." + kind;
    this.launcher = launcher;
    this.threadPrefix = threadPrefix;
    this.asyncThreads = Thread.ofVirtual().name(threadPrefix + "async-", 0).factory();
    this.life = new Lifecycle();
    this.options = MapOptions.defaults();
  }

  /** A view of {@code base} whose calls use {@code options}. */
  private Pool(Pool base, MapOptions options) {
    this.description = base.description;
    this.launcher = base.launcher;
    this.threadPrefix = base.threadPrefix;
    this.asyncThreads = base.asyncThreads;
    this.life = base.life;
    this.options = options;
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
    return this.<T, R>start(items, task, Run.Mode.LIST, "Pool.map", true, false).toList();
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
    Task<T, @Nullable Object> task =
        item -> {
          action.accept(item);
          return null;
        };
    this.<T, @Nullable Object>start(items, task, Run.Mode.FOR_EACH, "Pool.forEach", true, false)
        .runAll();
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
    return streamOf(this.<T, R>start(items, task, Run.Mode.ORDERED, "Pool.stream", false, false));
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
    return streamOf(
        this.<T, R>start(items, task, Run.Mode.UNORDERED, "Pool.streamUnordered", false, false));
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
    Run<T, R> run = this.<T, R>start(items, task, Run.Mode.LIST, "Pool.mapAsync", true, false);
    Submission<List<R>> submission = new Submission<>(run::toList, false, true);
    submission.ifNeverRun = run::close; // cancelled before its thread started: end the call
    life.lock.lock();
    try {
      life.submissions.add(submission); // close() waits until the future is complete
    } finally {
      life.lock.unlock();
    }
    try {
      asyncThreads.newThread(submission).start();
    } catch (RuntimeException | OutOfMemoryError e) {
      submission.completeExceptionally(e);
      submissionEnded(submission, null);
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
    Submission<R> submission = new Submission<>(task, true, launcher instanceof Launcher.Virtual);
    life.lock.lock();
    try {
      checkOpen("submit");
      life.submissions.add(submission);
    } finally {
      life.lock.unlock();
    }
    try {
      launcher.launch(submission, !isRunningTaskOnCurrentThread());
    } catch (RuntimeException | OutOfMemoryError e) {
      submission.completeExceptionally(e);
      submissionEnded(submission, null);
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
    return new Pool(this, options);
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
   * {@link Outcomes#isComplete()} says so.
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
    Run<T, Outcome<T, R>> run =
        this.<T, Outcome<T, R>>start(items, task, Run.Mode.LIST, "Pool.mapOutcomes", true, true);
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
    return streamOf(
        this.<T, Outcome<T, R>>start(
            items, task, Run.Mode.ORDERED, "Pool.streamOutcomes", false, true));
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
   * @throws IllegalStateException if called from a task of this pool (it would wait for itself)
   */
  @Override
  public void close() {
    if (isRunningTaskOnCurrentThread()) {
      throw new IllegalStateException(
          "close() called from inside a task of "
              + this
              + ": it would wait for its own task; close the pool from the thread that made it");
    }
    boolean interrupted = false;
    List<Run<?, ?>> streams;
    life.lock.lock();
    try {
      life.closed = true;
      while (life.blockingCalls > 0 || !life.submissions.isEmpty()) {
        try {
          life.idle.await();
        } catch (InterruptedException e) {
          if (!interrupted) {
            interrupted = true;
            stopAllLocked("the pool was terminated because close() was interrupted");
          }
        }
      }
      streams = new ArrayList<>(life.streams);
    } finally {
      life.lock.unlock();
    }
    for (Run<?, ?> stream : streams) {
      stream.detachAndAwaitQuiescence();
    }
    List<Run<?, ?>> abandoned;
    List<Thread> ended;
    life.lock.lock();
    try {
      abandoned = new ArrayList<>(life.abandonedRuns);
      life.abandonedRuns.clear();
      ended = new ArrayList<>(life.endedSubmissionThreads);
      life.endedSubmissionThreads.clear();
      ended.addAll(life.abandonedThreads);
      life.abandonedThreads.clear();
    } finally {
      life.lock.unlock();
    }
    for (Run<?, ?> run : abandoned) {
      run.detachAndAwaitQuiescence(); // tasks that ignored interruption: however long they take
    }
    for (Thread thread : ended) {
      interrupted |= joinUninterruptibly(thread);
    }
    launcher.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
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
    life.lock.lock();
    try {
      life.closed = true;
      stopAllLocked("the pool was terminated");
    } finally {
      life.lock.unlock();
    }
    close();
  }

  /**
   * Whether {@link #close()} or {@link #terminate()} has been called.
   *
   * @return {@code true} once the pool refuses new work
   */
  public boolean isClosed() {
    life.lock.lock();
    try {
      return life.closed;
    } finally {
      life.lock.unlock();
    }
  }

  @Override
  public String toString() {
    return options == MapOptions.defaults() ? description : description + ".with(" + options + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  Launcher launcher() {
    return launcher;
  }

  /** What the pool is, without its options: e.g. {@code Pool.virtual(8)}, for a call's listener. */
  String description() {
    return description;
  }

  /** The start of the names of the threads this pool makes, e.g. {@code parmap-virtual-3-}. */
  String threadPrefix() {
    return threadPrefix;
  }

  int window() {
    return DEFAULT_WINDOW;
  }

  /**
   * Registers a new call. {@code R} is the type handed over: the task's results, or their {@link
   * Outcome}s when {@code outcomes} is set.
   */
  private <T extends @Nullable Object, R extends @Nullable Object> Run<T, R> start(
      Iterable<? extends T> items,
      Task<? super T, ?> task,
      Run.Mode mode,
      String what,
      boolean blocking,
      boolean outcomes) {
    notNull(items, "items");
    notNull(task, mode == Run.Mode.FOR_EACH ? "action" : "task");
    life.lock.lock();
    try {
      checkOpen(what); // fail before touching the input
    } finally {
      life.lock.unlock();
    }
    Run<T, R> run = new Run<>(this, items, task, mode, what, blocking, options, outcomes);
    life.lock.lock();
    try {
      checkOpen(what);
      if (blocking) {
        life.runs.add(run);
        life.blockingCalls++;
      } else {
        life.streams.add(run);
      }
      return run;
    } finally {
      life.lock.unlock();
    }
  }

  private static <R extends @Nullable Object> Stream<R> streamOf(Run<?, R> run) {
    return ClosingStreams.over(run.spliterator(), run::close);
  }

  void deregister(Run<?, ?> run) {
    life.lock.lock();
    try {
      if (life.runs.remove(run)) {
        life.blockingCalls--;
      }
      life.streams.remove(run);
      if (run.hasTasksInFlight()) {
        // The call gave up on tasks that ignore interruption; close() still waits for them.
        life.abandonedRuns.removeIf(abandoned -> !abandoned.hasTasksInFlight());
        life.abandonedRuns.add(run);
        life.abandonedThreads.removeIf(thread -> !thread.isAlive());
        life.abandonedThreads.addAll(run.threadsOfRunningChunks());
      }
      life.idle.signalAll();
    } finally {
      life.lock.unlock();
    }
  }

  /**
   * Called by a submission's thread as its last step; a thread made for it alone is remembered
   * until {@link #close()} joins it, so that none is alive when close() returns.
   */
  private void submissionEnded(Submission<?> submission, @Nullable Thread ownThread) {
    life.lock.lock();
    try {
      if (ownThread != null) {
        if (life.endedSubmissionThreads.size() >= 64) {
          life.endedSubmissionThreads.removeIf(thread -> !thread.isAlive());
        }
        life.endedSubmissionThreads.add(ownThread);
      }
      life.submissions.remove(submission);
      life.idle.signalAll();
    } finally {
      life.lock.unlock();
    }
  }

  private void stopAllLocked(String reason) {
    for (Run<?, ?> run : life.streams) {
      run.stop(reason);
    }
    for (Run<?, ?> run : life.runs) {
      run.stop(reason);
    }
    for (Submission<?> submission : life.submissions) {
      if (submission.isTask) {
        submission.cancelNow(); // a mapAsync's run was stopped above: it fails as terminated
      }
    }
  }

  private void checkOpen(String what) {
    if (life.closed) {
      throw new IllegalStateException(
          what + " called on a closed pool (" + this + "): create a new pool for new work");
    }
  }

  /** Whether the current thread is running a task of this pool (a call made now is nested). */
  boolean isRunningTaskOnCurrentThread() {
    Pool current = CURRENT_POOL.get();
    return current != null && current.life == life; // a with() view is the same pool
  }

  /** Marks the current thread as running a task of this pool; returns what to restore. */
  @Nullable Pool enterTask() {
    Pool outer = CURRENT_POOL.get();
    CURRENT_POOL.set(this);
    return outer;
  }

  void exitTask(@Nullable Pool outer) {
    if (outer == null) {
      CURRENT_POOL.remove();
    } else {
      CURRENT_POOL.set(outer);
    }
  }

  /** Joins {@code thread}; returns whether the caller was interrupted meanwhile (flag cleared). */
  private static boolean joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
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

  /** A task submitted to the pool, and its future; cancellation interrupts it. */
  private final class Submission<V extends @Nullable Object> extends CompletableFuture<V>
      implements Runnable {
    private final Callable<V> body;
    private final boolean isTask;
    private final boolean ownThread;
    private final CountDownLatch ended = new CountDownLatch(1);
    @Nullable Runnable ifNeverRun;
    // The thread made for this submission alone, once it runs: join() and get() wait for its end.
    private volatile @Nullable Thread ownRunner;
    // Guarded by this.
    private @Nullable Thread runner;
    private boolean interrupted;

    /**
     * @param isTask a user task (takes a concurrency permit, marks the thread as the pool's), as
     *     opposed to the driver of {@code mapAsync}
     * @param ownThread whether it runs on a thread made for it alone, to be joined by close()
     */
    Submission(Callable<V> body, boolean isTask, boolean ownThread) {
      this.body = body;
      this.isTask = isTask;
      this.ownThread = ownThread;
    }

    @Override
    public void run() {
      try {
        synchronized (this) {
          if (isDone()) {
            Runnable skip = ifNeverRun;
            if (skip != null) {
              skip.run();
            }
            return; // cancelled before it started
          }
          runner = Thread.currentThread();
          if (ownThread) {
            ownRunner = runner; // before completion, which publishes it to join() and get()
          }
        }
        Pool outer = isTask ? enterTask() : CURRENT_POOL.get();
        try {
          if (isTask) {
            launcher.acquire();
          }
          try {
            complete(body.call());
          } finally {
            if (isTask) {
              launcher.release();
            }
          }
        } catch (Throwable e) { // the future reports every failure, Errors included
          completeExceptionally(e);
        } finally {
          if (isTask) {
            exitTask(outer);
          }
        }
      } finally {
        synchronized (this) {
          runner = null;
          if (interrupted) {
            Thread.interrupted(); // ours: do not leave it on a pool thread
          }
        }
        submissionEnded(this, ownThread ? Thread.currentThread() : null);
        ended.countDown();
      }
    }

    /**
     * Cancels; with {@code mayInterruptIfRunning}, also interrupts the running work and waits until
     * it has ended (at most the options' cancellation grace, for work that ignores interruption),
     * unless called from that work itself.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Thread thread = cancelled && mayInterruptIfRunning ? interruptRunner() : null;
      // From a task of this pool, waiting could mean waiting for itself (the task is one of the
      // cancelled call's, or holds the thread that call's tasks need): close() waits instead.
      if (thread != null && thread != Thread.currentThread() && !isRunningTaskOnCurrentThread()) {
        boolean interruptedWhileWaiting = false;
        long deadline = System.nanoTime() + Durations.saturatedNanos(options.cancellationGrace());
        while (true) {
          try {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended.await(left, TimeUnit.NANOSECONDS)) {
              break;
            }
          } catch (InterruptedException e) {
            interruptedWhileWaiting = true;
          }
        }
        if (interruptedWhileWaiting) {
          Thread.currentThread().interrupt();
        }
      }
      return cancelled;
    }

    @Override
    public V join() {
      try {
        return super.join();
      } finally {
        boolean interrupted = false;
        while (true) {
          try {
            awaitOwnThread(Long.MAX_VALUE);
            break;
          } catch (InterruptedException e) {
            interrupted = true; // join() is not interruptible: keep waiting, restore the flag
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
      V result;
      try {
        result = super.get();
      } catch (ExecutionException e) {
        awaitOwnThread(Long.MAX_VALUE);
        throw e;
      }
      awaitOwnThread(Long.MAX_VALUE);
      return result;
    }

    @Override
    public V get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      long until = System.nanoTime() + unit.toNanos(timeout);
      V result;
      try {
        result = super.get(timeout, unit);
      } catch (ExecutionException e) {
        awaitOwnThreadOrTimeOut(until);
        throw e;
      }
      awaitOwnThreadOrTimeOut(until);
      return result;
    }

    private void awaitOwnThreadOrTimeOut(long until) throws InterruptedException, TimeoutException {
      if (!awaitOwnThread(Math.max(0, until - System.nanoTime()))) {
        throw new TimeoutException("the task has completed but its thread has not ended yet");
      }
    }

    /**
     * After completion: waits up to {@code nanos} until the thread made for this submission alone
     * has terminated (it ends right after completing the future). Not for a cancelled submission,
     * whose work may ignore interruption, nor from that thread itself.
     *
     * @return whether there is no such thread left alive
     */
    private boolean awaitOwnThread(long nanos) throws InterruptedException {
      Thread thread = ownRunner;
      if (thread == null || thread == Thread.currentThread() || isCancelled()) {
        return true;
      }
      return thread.join(Duration.ofNanos(nanos));
    }

    /** Cancels and interrupts without waiting (for terminate(), which waits for all work). */
    void cancelNow() {
      if (super.cancel(true)) {
        interruptRunner();
      }
    }

    private synchronized @Nullable Thread interruptRunner() {
      Thread thread = runner;
      if (thread != null) {
        interrupted = true;
        thread.interrupt();
      }
      return thread;
    }
  }
}
