package dev.parmap.benchmarks;

import com.pivovarit.collectors.ParallelCollectors;
import dev.parmap.Parmap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Gatherers;
import org.jspecify.annotations.Nullable;

/**
 * Each contestant's idiomatic way of mapping a list in parallel with results in input order, for
 * workloads A, B and C. One instance per trial: it owns the fixed pool, which is made once per
 * trial (as an application would keep one), not per call.
 */
final class Contestants implements AutoCloseable {
  private final @Nullable ExecutorService fixedPool;

  Contestants(Contestant contestant) {
    this.fixedPool =
        contestant == Contestant.fixedPool
            ? Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())
            : null;
  }

  /** The fixed pool of this trial; only for {@link Contestant#fixedPool}. */
  ExecutorService fixedPool() {
    ExecutorService pool = fixedPool;
    if (pool == null) {
      throw new IllegalStateException("the fixed pool exists only in fixedPool's trials");
    }
    return pool;
  }

  /** Applies {@code task} to every item the way {@code contestant} does; results in input order. */
  <T, R> List<R> map(Contestant contestant, List<T> items, Function<? super T, ? extends R> task)
      throws Exception {
    return switch (contestant) {
      case loop -> {
        List<R> results = new ArrayList<>(items.size());
        for (T item : items) {
          results.add(task.apply(item));
        }
        yield results;
      }
      case parmap -> Parmap.map(items, task::apply);
      case parallelStream -> items.parallelStream().<R>map(task).toList();
      case fixedPool -> results(fixedPool().invokeAll(callables(items, task)));
      case virtualThreads -> {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
          yield results(executor.invokeAll(callables(items, task)));
        }
      }
      case supplyAsync -> {
        List<CompletableFuture<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
          futures.add(CompletableFuture.supplyAsync(() -> task.apply(item)));
        }
        List<R> results = new ArrayList<>(items.size());
        for (CompletableFuture<R> future : futures) {
          results.add(future.join());
        }
        yield results;
      }
      case parallelCollectors ->
          items.stream().collect(ParallelCollectors.parallel(task, Collectors.<R>toList())).join();
      case mapConcurrent ->
          items.stream()
              .gather(Gatherers.<T, R>mapConcurrent(Workload.MAP_CONCURRENT_LIMIT, task))
              .toList();
      case parallelCollectorsBatching -> {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
          yield items.stream()
              .collect(
                  ParallelCollectors.Batching.parallel(
                      task,
                      Collectors.<R>toList(),
                      executor,
                      Runtime.getRuntime().availableProcessors()))
              .join();
        }
      }
      case parmapUnordered ->
          throw new IllegalArgumentException("parmapUnordered runs in workload D only");
    };
  }

  static <T, R> List<Callable<R>> callables(
      Iterable<T> items, Function<? super T, ? extends R> task) {
    List<Callable<R>> callables = new ArrayList<>();
    for (T item : items) {
      callables.add(() -> task.apply(item));
    }
    return callables;
  }

  static <R> List<R> results(List<Future<R>> futures) throws ExecutionException {
    List<R> results = new ArrayList<>(futures.size());
    for (Future<R> future : futures) {
      results.add(getUninterruptibly(future));
    }
    return results;
  }

  /** {@code future.get()}; the futures of {@code invokeAll} are all done already. */
  static <R> R getUninterruptibly(Future<R> future) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * {@code Thread.sleep} for tasks that must be {@link Function}s: an interruption becomes an
   * unchecked exception whose cause is the {@link InterruptedException}, so that every contestant
   * (parmap included) sees a task that ends when interrupted; the flag is set again.
   */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sleeping", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    ExecutorService pool = fixedPool;
    if (pool != null) {
      pool.shutdownNow();
      if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the fixed pool did not terminate within a minute");
      }
    }
  }
}
