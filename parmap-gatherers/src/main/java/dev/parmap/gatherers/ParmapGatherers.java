package dev.parmap.gatherers;

import dev.parmap.Pool;
import dev.parmap.Task;
import dev.parmap.TaskFailedException;
import dev.parmap.engine.PoolContext;
import dev.parmap.engine.PublicTypes;
import dev.parmap.engine.SharedSecrets;
import dev.parmap.engine.StreamPush;
import dev.parmap.engine.Work;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Gatherer;
import org.jspecify.annotations.Nullable;

/**
 * parmap inside a stream pipeline: a {@link Gatherer} that applies a {@link Task} to the stream's
 * elements in parallel, on virtual threads, and passes the results on in encounter order.
 *
 * <pre>{@code
 * List<Page> pages = urls.stream()
 *     .filter(url -> url.startsWith("https:"))
 *     .gather(ParmapGatherers.map(url -> fetch(url)))   // in parallel, results in order
 *     .limit(10)                                         // stops the tasks still running
 *     .toList();
 * }</pre>
 *
 * <p>{@code Parmap.toList(task)} is the collector counterpart: it ends a pipeline, gathers every
 * element first and then maps them all. This gatherer sits anywhere in a pipeline, starts each
 * element's task as soon as the element arrives, and holds a bounded window, so it also maps
 * endless streams and lets {@code limit} or {@code findFirst} stop the work early.
 *
 * <h2>Contract of {@link #map(int, Task)} and {@link #map(Task)}</h2>
 *
 * <p>The <em>stream's thread</em> is the thread that passes elements to the gatherer (the one
 * running the terminal operation). The <em>window</em> is {@code maxConcurrency}, or 16,384 for
 * {@link #map(Task)}.
 *
 * <ul>
 *   <li><b>Order.</b> One result per element, pushed downstream in encounter order whatever order
 *       the tasks finish in. Results are pushed by the stream's thread, never by a task's thread:
 *       the finished results at the head of the window are pushed whenever an element arrives, when
 *       the stream's thread waits for the window, and at the end of the stream.
 *   <li><b>Window.</b> At most window elements are <em>in flight</em>: started and not yet pushed
 *       downstream. When the window is full, the stream's thread waits for the oldest element to
 *       finish and pushes its result before it starts the next one. So the window bounds both how
 *       many tasks run at once and the elements and results held in memory: an endless stream is
 *       mapped in bounded memory.
 *   <li><b>Threads.</b> Each element's task runs on a new virtual thread named {@code
 *       parmap-gatherer-}<i>N</i>{@code -}<i>I</i>, started when the element reaches the gatherer.
 *   <li><b>Fail fast.</b> When a task throws, no further element starts, and the thread of the
 *       failed task at once interrupts the tasks still running. The stream's thread waits until
 *       every task has ended and throws a {@link TaskFailedException} whose {@link
 *       TaskFailedException#index() index} is the element's zero-based position among the elements
 *       that reached the gatherer, whose {@link TaskFailedException#item() item} is the element and
 *       whose {@link TaskFailedException#getCause() cause} is exactly what the task threw. The
 *       failure surfaces as soon as it happens if the stream's thread is waiting in the gatherer,
 *       even while the element it waits for (the head) is still running, and otherwise as soon as
 *       the stream passes the next element or reaches its end. Results not yet pushed are dropped.
 *       Failures of other tasks that happened on their own before they were interrupted are
 *       attached as {@linkplain Throwable#getSuppressed() suppressed} {@code TaskFailedException}s
 *       (at most 16). A {@link VirtualMachineError} thrown by a task, such as {@link
 *       OutOfMemoryError}, is rethrown as it is after the same clean-up, with the {@code
 *       TaskFailedException} attached as suppressed; a {@link StackOverflowError} is reported like
 *       any other exception.
 *   <li><b>Short-circuiting.</b> When downstream wants no more elements ({@code limit}, {@code
 *       findFirst}, {@code anyMatch}...), the tasks in flight are interrupted and awaited, no
 *       further element starts, and the stream stops reading its source. What the interrupted tasks
 *       return or throw is ignored.
 *   <li><b>Downstream failure.</b> If a later stage or the terminal operation throws while the
 *       gatherer pushes a result, the tasks in flight are interrupted and awaited, then the
 *       exception propagates unchanged.
 *   <li><b>Interruption.</b> If the stream's thread is interrupted while it waits in the gatherer,
 *       the tasks in flight are interrupted and awaited, the thread's interrupt flag is set again,
 *       and the stream throws a {@link dev.parmap.CallInterruptedException} whose cause is the
 *       {@link InterruptedException}. An interrupt that arrives while the stream's thread is
 *       elsewhere stays on the thread and ends the gatherer's next wait.
 *   <li><b>Nothing left behind.</b> When a stream operation returns or throws through the gatherer,
 *       none of its tasks is running and no thread it started is alive. One case is outside the
 *       gatherer's reach: an exception thrown <em>upstream</em> (by the source or an earlier stage)
 *       does not pass through it, and the JDK gives a gatherer no hook for it, so the tasks already
 *       in flight (at most window) run to their end on their own and no new one starts. The same
 *       holds for a stream consumed through {@code iterator()} and abandoned before its end.
 *   <li><b>Nulls.</b> Elements may be {@code null} (the task receives them) and tasks may return
 *       {@code null}, which is pushed downstream as any result.
 *   <li><b>Parallel streams.</b> The gatherer has no combiner, so the JDK evaluates it sequentially
 *       even in a parallel stream: one thread at a time passes it the elements, in encounter order
 *       (stages before it may still run in parallel). The parallelism is inside the gatherer.
 *   <li><b>Reuse.</b> A gatherer returned here holds no state: each stream evaluation that uses it
 *       gets its own window and threads.
 * </ul>
 *
 * <h2>Compared with {@link java.util.stream.Gatherers#mapConcurrent Gatherers.mapConcurrent}</h2>
 *
 * The JDK's {@code mapConcurrent(n, f)} is also ordered, bounded by {@code n} and runs each element
 * on a virtual thread. The differences:
 *
 * <ul>
 *   <li>it reports a task's failure only when the failed element reaches the head of the window, so
 *       it first waits for every element before it, however slow; here the failure surfaces while
 *       the head is still running, and the other tasks are interrupted at once;
 *   <li>it rethrows a task's {@link RuntimeException} as it is and wraps anything else in a plain
 *       {@code RuntimeException}, with no element index; here a {@link TaskFailedException} names
 *       the element and its index, and a task may throw checked exceptions;
 *   <li>it waits uninterruptibly (and sets the interrupt flag again afterwards); here interrupting
 *       the stream's thread stops the wait and the tasks;
 *   <li>it has no default window; {@link #map(Task)} has one.
 * </ul>
 *
 * <h2>How it runs</h2>
 *
 * The gatherer is a thin adapter on parmap's engine, the one behind {@code Pool}'s calls: each
 * evaluation is one call whose items are pushed in ({@code integrate} offers the element, {@code
 * finish} marks the end of the input), with the engine's window, ordered results, fail-fast
 * bookkeeping, interruption and joins. It differs from a {@code Pool} call in one way: every
 * element is a chunk of its own, started as soon as it arrives, because a gatherer cannot tell when
 * the next element comes and so cannot hold one back to group it with the next.
 *
 * @since 0.1
 */
public final class ParmapGatherers {

  /**
   * The window of {@link #map(Task)}: the most elements in flight, hence the most tasks running at
   * once. It is parmap's window everywhere ({@code Parmap.map} and {@code Pool.virtual()} hold at
   * most 16,384 items read but not yet handed over), so {@code map(task)} behaves as {@code
   * Parmap.map(items, task)} does. Pass a smaller {@code maxConcurrency} to protect a service.
   */
  static final int DEFAULT_WINDOW = PoolContext.DEFAULT_WINDOW;

  /** Numbers the evaluations, for thread names. */
  private static final AtomicLong EVALUATIONS = new AtomicLong();

  /** The core's exceptions, as its calls throw them (see {@link #coreTypes()}). */
  private static final PublicTypes CORE_TYPES = coreTypes();

  private ParmapGatherers() {}

  /**
   * A gatherer that applies {@code task} to every element in parallel, each on its own virtual
   * thread, with at most 16,384 elements in flight, and pushes the results downstream in encounter
   * order. The contract (order, window, fail fast, short-circuiting, interruption, clean-up) is in
   * the {@linkplain ParmapGatherers class description}.
   *
   * @param task applied to each element; may receive {@code null} and return {@code null}
   * @return a sequential gatherer of the results in encounter order
   * @throws NullPointerException if {@code task} is null
   */
  public static <T extends @Nullable Object, R extends @Nullable Object> Gatherer<T, ?, R> map(
      Task<? super T, ? extends R> task) {
    return map(DEFAULT_WINDOW, task);
  }

  /**
   * A gatherer that applies {@code task} to every element in parallel, each on its own virtual
   * thread, with at most {@code maxConcurrency} elements in flight (started and not yet pushed
   * downstream), and pushes the results downstream in encounter order. At most {@code
   * maxConcurrency} tasks run at once, so it can protect a service from too many concurrent calls.
   * The contract (order, window, fail fast, short-circuiting, interruption, clean-up) is in the
   * {@linkplain ParmapGatherers class description}.
   *
   * @param maxConcurrency the most elements in flight, at least 1
   * @param task applied to each element; may receive {@code null} and return {@code null}
   * @return a sequential gatherer of the results in encounter order
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   * @throws NullPointerException if {@code task} is null
   */
  public static <T extends @Nullable Object, R extends @Nullable Object> Gatherer<T, ?, R> map(
      int maxConcurrency, Task<? super T, ? extends R> task) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxConcurrency must be at least 1, but was " + maxConcurrency);
    }
    if (task == null) {
      throw new NullPointerException("task must not be null");
    }
    @SuppressWarnings("unchecked") // elements are of the task's type by construction
    Task<@Nullable Object, @Nullable Object> erased =
        (Task<@Nullable Object, @Nullable Object>) task;
    Work work = erased::apply;
    return Gatherer.<T, StreamPush<R>, R>ofSequential(
        () ->
            StreamPush.onVirtualThreads(
                "ParmapGatherers.map(" + maxConcurrency + ")",
                "parmap-gatherer-" + EVALUATIONS.incrementAndGet() + "-",
                maxConcurrency,
                work,
                CORE_TYPES),
        Gatherer.Integrator.ofGreedy(
            (call, element, downstream) -> {
              if (downstream.isRejecting()) {
                call.close();
                return false;
              }
              return call.offer(element, downstream::push);
            }),
        (call, downstream) -> {
          if (downstream.isRejecting()) {
            call.close();
          } else {
            call.finish(downstream::push);
          }
        });
  }

  /**
   * The core's public types, which its engine hands to users (parmap's exceptions): a shared secret
   * of parmap's modules, registered by {@code Pool}'s static initializer, which this runs first.
   */
  private static PublicTypes coreTypes() {
    try {
      MethodHandles.lookup().ensureInitialized(Pool.class);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("dev.parmap.Pool is not accessible", e);
    }
    return SharedSecrets.coreTypes();
  }
}
