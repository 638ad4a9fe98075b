package dev.parmap;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** The kinds of pool, for tests that must hold on each; {@code create(n)} runs n tasks at once. */
public final class PoolKind {
  private final String name;
  private final IntFunction<Pool> factory;

  private PoolKind(String name, IntFunction<Pool> factory) {
    this.name = name;
    this.factory = factory;
  }

  public static List<PoolKind> all() {
    return List.of(
        new PoolKind("virtual()", n -> Pool.virtual()),
        new PoolKind("virtual(n)", Pool::virtual),
        new PoolKind("threads(n)", Pool::threads),
        new PoolKind("using(fixed pool)", PoolKind::usingOwnExecutor));
  }

  /**
   * One executor shared by the tests that bring their own: daemon threads, not named {@code
   * parmap-}, so the thread-leak check ignores them; enough threads for any test's concurrency.
   */
  private static final ExecutorService SHARED =
      Executors.newFixedThreadPool(
          16, Thread.ofPlatform().name("test-executor-", 0).daemon(true).factory());

  private static Pool usingOwnExecutor(int n) {
    return Pool.using(SHARED);
  }

  public Pool create(int concurrency) {
    return factory.apply(concurrency);
  }

  @Override
  public String toString() {
    return name;
  }
}
