package dev.parmap.examples;

import dev.parmap.Parmap;
import dev.parmap.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The recipes of docs/migration.md: each pair of methods computes the same thing, first the usual
 * JDK way, then with parmap (MigrationExamplesTest checks that they agree; DocsCodeTest that the
 * page's code is this file's).
 */
public final class MigrationExamples {

  private MigrationExamples() {}

  /** A pair of arguments, as Python's starmap takes them. */
  public record Pair(String host, int port) {}

  static List<Integer> parallelStreamBefore(List<String> urls) {
    return urls.parallelStream().map(url -> size(url)).toList();
  }

  static List<Integer> parallelStreamAfter(List<String> urls) {
    return Parmap.map(urls, url -> size(url));
  }

  static List<Integer> invokeAllBefore(List<String> urls)
      throws InterruptedException, ExecutionException {
    try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
      List<Callable<Integer>> tasks =
          urls.stream().<Callable<Integer>>map(url -> () -> size(url)).toList();
      List<Future<Integer>> futures = executor.invokeAll(tasks);
      List<Integer> sizes = new ArrayList<>();
      for (Future<Integer> future : futures) {
        sizes.add(future.get()); // the first failure throws here, the other tasks run on
      }
      return sizes;
    }
  }

  static List<Integer> invokeAllAfter(List<String> urls) {
    try (Pool pool = Pool.threads(8)) {
      return pool.map(urls, url -> size(url)); // the first failure stops the others
    }
  }

  static List<Integer> supplyAsyncBefore(List<String> urls) {
    List<CompletableFuture<Integer>> futures =
        urls.stream().map(url -> CompletableFuture.supplyAsync(() -> size(url))).toList();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    return futures.stream().map(CompletableFuture::join).toList();
  }

  static List<Integer> supplyAsyncAfter(List<String> urls) {
    try (Pool pool = Pool.virtual()) {
      return pool.mapAsync(urls, url -> size(url)).join(); // or pool.map(..) to block
    }
  }

  static List<Integer> asCompleted(List<String> urls) {
    // for result in as_completed(futures): ... -> results as they finish, on the caller
    List<Integer> inCompletionOrder = new ArrayList<>();
    try (Pool pool = Pool.virtual(8);
        Stream<Integer> sizes = pool.streamUnordered(urls, url -> size(url))) {
      sizes.forEach(inCompletionOrder::add);
    }
    return inCompletionOrder;
  }

  static List<String> starmap(List<Pair> pairs) {
    // pool.starmap(connect, [(host, port), ...]) -> a record of the arguments
    return Parmap.map(pairs, pair -> connect(pair.host(), pair.port()));
  }

  static List<String> initializer(List<String> urls) {
    // ThreadPool(4, initializer=make_buffer): one resource per worker, made on first use
    try (Pool pool = Pool.threads(4)) {
      return pool.mapWith(urls, StringBuilder::new, (buffer, url) -> reverse(buffer, url));
    }
  }

  private static int size(String url) {
    return url.length();
  }

  private static String reverse(StringBuilder buffer, String s) {
    buffer.setLength(0);
    return buffer.append(s).reverse().toString();
  }

  private static String connect(String host, int port) {
    return host + ":" + port;
  }
}
