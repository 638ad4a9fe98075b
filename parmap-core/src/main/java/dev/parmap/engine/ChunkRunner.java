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
   * on a thread of the pool's launcher, sized by {@code sizing}. The engine runs no item policy
   * (retry, timeout, rate limit, adaptive concurrency) of a remote call: the front end runs those
   * it offers, split between the caller and where the items run ({@link RemotePolicies} holds the
   * core's decisions), and refuses the others. Context propagators cannot run on remote chunks: the
   * context is the caller's thread's.
   *
   * @param what the call's name in messages and for the listener (e.g. {@code ClusterPool.map})
   * @throws IllegalArgumentException if the options have context propagators
   */
  static <T extends @Nullable Object, R extends @Nullable Object> Run<T, R> newCall(
      PoolContext pool,
      Iterable<? extends T> items,
      ChunkRunner chunks,
      ChunkSizing sizing,
      CallKind kind,
      String what,
      CallOptions options) {
    if (!options.propagators().isEmpty()) {
      throw new IllegalArgumentException(
          what + ": context propagators cannot run on remote chunks");
    }
    return new Run<>(pool, new Input(items), item -> null, chunks, sizing, kind, what, options);
  }
}
