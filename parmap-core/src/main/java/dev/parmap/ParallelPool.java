package dev.parmap;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What every parmap pool can do: run a task over many items in parallel. {@link Pool} implements it
 * on the threads of one JVM (and parmap's cluster pool is to implement it on a cluster), so code
 * written against this interface moves from one pool to another by changing the line that creates
 * the pool:
 *
 * <pre>{@code
 * try (ParallelPool pool = Pool.virtual()) {  // the one line to change
 *     List<Page> pages = pool.map(urls, Http::get);
 * }
 * }</pre>
 *
 * <p>The contract every pool keeps, in brief (the full one, with what happens on each failure, is
 * {@link Pool}'s class description):
 *
 * <ul>
 *   <li>{@link #map}, {@link #mapAsync}, {@link #stream}, {@link #mapOutcomes} and {@link
 *       #streamOutcomes} give one result per item in input order; {@link #streamUnordered} in the
 *       order they finish. The input is read lazily, once, keeping a bounded window of items.
 *   <li>A task that throws fails the call fast ({@link TaskFailedException}, after the running
 *       tasks were interrupted and have ended), except in the {@code Outcomes} calls, which report
 *       one {@link Outcome} per item instead. An interrupted caller gets a {@link
 *       CallInterruptedException}.
 *   <li>When a call returns or throws, none of its tasks is running. A result stream ends its call
 *       when its terminal operation ends; one traversed with {@code iterator()} must be closed.
 *   <li>A pool is thread-safe; {@link #close()} refuses new calls and waits for the running ones.
 * </ul>
 *
 * <p>Implemented by parmap's pools only: methods may be added to it.
 *
 * @since 0.1
 */
public interface ParallelPool extends AutoCloseable {

  /**
   * Applies {@code task} to every item in parallel and returns the results in input order; blocks
   * until every item is done.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return an unmodifiable list with the result of item {@code i} at position {@code i}
   * @throws TaskFailedException if a task threw
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> List<R> map(
      Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * As {@link #map}, with a per-worker resource: {@code factory} makes one for each task that runs
   * at once, each is reused for many items (by one task at a time), and all are closed (if {@link
   * AutoCloseable}) when the call ends, whatever way it ends. See {@link WorkerResource} for the
   * full contract, and {@link WorkerResource#task} for the other calls.
   *
   * <pre>{@code
   * List<Document> docs = pool.mapWith(files, HtmlParser::new, (parser, file) -> parser.parse(file));
   * }</pre>
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param factory makes one resource; called lazily, on a worker thread
   * @param task applied to each item with a resource; may return {@code null}
   * @param <S> the resource
   * @return an unmodifiable list with the result of item {@code i} at position {@code i}
   * @throws TaskFailedException if a task threw, or the factory did for the item that needed a
   *     resource (the factory's exception is then the cause)
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws ParmapException if a resource threw when closed, and nothing else failed
   * @throws IllegalStateException if the pool is closed
   * @since 0.1
   */
  default <S, T extends @Nullable Object, R extends @Nullable Object> List<R> mapWith(
      Iterable<? extends T> items,
      Callable<? extends S> factory,
      ResourceTask<? super S, ? super T, ? extends R> task) {
    return map(items, WorkerResource.<S>of(factory).<T, R>task(task));
  }

  /**
   * As {@link #forEach}, with a per-worker resource, as {@link #mapWith} gives one: {@code factory}
   * makes one for each task that runs at once, each is reused for many items (by one task at a
   * time), and all are closed (if {@link AutoCloseable}) when the call ends, whatever way it ends.
   * See {@link WorkerResource} for the full contract.
   *
   * <pre>{@code
   * pool.forEachWith(rows, dataSource::getConnection, (connection, row) -> insert(connection, row));
   * }</pre>
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param factory makes one resource; called lazily, on a worker thread
   * @param action applied to each item with a resource
   * @param <S> the resource
   * @throws TaskFailedException if an action threw, or the factory did for the item that needed a
   *     resource (the factory's exception is then the cause)
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws ParmapException if a resource threw when closed, and nothing else failed
   * @throws IllegalStateException if the pool is closed
   * @since 0.1
   */
  default <S, T extends @Nullable Object> void forEachWith(
      Iterable<? extends T> items,
      Callable<? extends S> factory,
      ResourceAction<? super S, ? super T> action) {
    forEach(items, WorkerResource.<S>of(factory).<T>action(action));
  }

  /**
   * Applies {@code action} to every item in parallel; blocks until every item is done.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param action applied to each item
   * @throws TaskFailedException if an action threw
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object> void forEach(Iterable<? extends T> items, Action<? super T> action);

  /**
   * Applies {@code task} to the items in parallel and streams the results in input order, lazily:
   * nothing runs until the stream is consumed. Every terminal operation ends the call.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential, ordered stream of the results
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> Stream<R> stream(
      Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * As {@link #stream}, but the results come in the order they finish.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential stream of the results in completion order
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> Stream<R> streamUnordered(
      Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * Starts {@link #map} in the background. {@code cancel(true)} on the future interrupts the
   * running tasks and returns once they have ended.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a future of the results in input order, or of what {@code map} would have thrown
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> mapAsync(
      Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * This pool with {@code options} for its calls: a view sharing its work and lifecycle.
   *
   * @param options the options of the view's calls (they replace this pool's)
   * @return a view of this pool with those options
   */
  ParallelPool with(MapOptions options);

  /**
   * Applies {@code task} to every item and reports one {@link Outcome} per item, in input order,
   * instead of failing fast; blocks until every item is done. With a {@linkplain
   * MapOptions#failureBudget() failure budget}, the call stops once more items failed than it
   * allows, and the items it did not finish fail with a {@link FailureBudgetExceededException}.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return the outcomes, in input order
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> Outcomes<T, R> mapOutcomes(
      Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * As {@link #mapOutcomes}, but lazily, with the laziness and closing of {@link #stream}.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential, ordered stream of the outcomes
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> Stream<Outcome<T, R>> streamOutcomes(
      Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * As {@link #streamOutcomes}, but in the order the items finish, each outcome with its item and
   * its {@linkplain Outcome#index() index}: Python's {@code imap_unordered} over {@code
   * enumerate(items)}.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return a sequential stream of the outcomes, in completion order
   * @throws IllegalStateException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomesUnordered(
          Iterable<? extends T> items, Task<? super T, ? extends R> task);

  /**
   * Refuses new calls and waits for the work already running; calling it again has no further
   * effect. Unlike {@link AutoCloseable#close()}, it throws no checked exception.
   *
   * @throws IllegalStateException if called from a task of this pool (it would wait for itself)
   */
  @Override
  void close();
}
