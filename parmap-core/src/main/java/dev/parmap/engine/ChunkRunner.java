package dev.parmap.engine;

import org.jspecify.annotations.Nullable;

/**
 * What runs a whole chunk of a call somewhere else: a front end's remote launcher (the cluster's
 * sends it to a member). The local counterpart is the {@link ItemRunner}, which runs a chunk's
 * items one after the other on the thread that claimed it. A call on chunk runners is made with
 * {@link #newCall}; everything else (reading the input, the window, chunk sizing, failure
 * bookkeeping, the deadline, the sinks, statistics and the listener, self-closing streams) is the
 * engine's, as for a local call.
 *
 * <p><b>Threads.</b> {@link #run} is called on a thread of the call's {@link Launcher} (a virtual
 * thread per chunk, for the cluster), once per chunk, by many threads at once: an implementation is
 * thread-safe. It blocks that thread until the chunk's answer is there.
 *
 * <p><b>Stopping.</b> When the call stops (an item failed, the deadline passed, a stream was
 * closed, the caller was interrupted), the threads blocked in {@link #run} are interrupted: an
 * implementation then cancels the chunk where it runs, without waiting for an answer, and returns
 * or throws {@link InterruptedException} at once.
 */
@FunctionalInterface
public interface ChunkRunner {
  /**
   * Runs the chunk's items and reports each one through the chunk, in index order ({@link
   * RemoteChunk#succeeded}, {@link RemoteChunk#failed}); items left unreported when it returns
   * count as not run (the call was stopping).
   *
   * @param chunk the chunk's items, and where their results go
   * @throws InterruptedException if interrupted while waiting: the call is stopping
   * @throws RuntimeException a failure of the call itself, not of one item (no member left, a chunk
   *     that keeps killing members, a refused answer): the call fails with it as it is
   */
  void run(RemoteChunk chunk) throws InterruptedException;

  /**
   * A call of {@code kind} on {@code items} whose chunks run elsewhere, each through {@code chunks}
   * on a thread of the pool's launcher, sized by {@code sizing}. Its options may have no item
   * policy (retry, timeout, rate limit) and no context propagator: those run where the items run,
   * and the front end decides what it can offer there.
   *
   * @param what the call's name in messages and for the listener (e.g. {@code ClusterPool.map})
   * @throws IllegalArgumentException if the options have item policies or propagators
   */
  static <T extends @Nullable Object, R extends @Nullable Object> Run<T, R> newCall(
      PoolContext pool,
      Iterable<? extends T> items,
      ChunkRunner chunks,
      ChunkSizing sizing,
      CallKind kind,
      String what,
      CallOptions options) {
    if (options.hasItemPolicies() || !options.propagators().isEmpty()) {
      throw new IllegalArgumentException(
          what + ": item policies and context propagators cannot run on remote chunks");
    }
    return new Run<>(pool, new Input(items), item -> null, chunks, sizing, kind, what, options);
  }
}
