package dev.parmap.observe;

/**
 * Carries context from the thread that makes a call to the threads that run its tasks: a logging
 * MDC, a trace id, a security principal. Set it with {@link
 * dev.parmap.MapOptions.Builder#propagate}.
 *
 * <p>{@link #capture()} runs once, on the calling thread, when the call is made. The snapshot's
 * {@link Snapshot#apply()} runs on a pool thread before each chunk of items, and the returned
 * {@link Scope}'s {@link Scope#close()} after it, on the same thread: restore there what was there
 * before (usually nothing), so that no context leaks into unrelated work of a shared thread.
 *
 * <p><b>Thread locals and virtual threads.</b> Plain {@link ThreadLocal}s are not inherited: a task
 * sees its own thread's values, not the caller's. {@link InheritableThreadLocal}s are copied when a
 * thread is created, so a {@code Pool.virtual()} task (a new thread per chunk) sees the values of
 * the thread that created it (the call's driver) while a {@code Pool.threads(n)} task sees whatever
 * its long-lived thread inherited when it was created. Neither is reliable for request context:
 * propagate it explicitly with this interface.
 *
 * <p><b>Context that wraps.</b> Some context can only be put in place around a piece of work, not
 * installed and removed later: a {@code ScopedValue} binding ({@code ScopedValue.where(key,
 * value).run(work)}). For those, {@link #capture()} returns an {@link Around} snapshot, whose
 * {@link Around#runAround} runs the chunk's work inside the binding, on the pool thread; parmap
 * never calls its {@code apply()}. Snapshots of both kinds may be mixed: they are put in place in
 * the order of the propagators, the first outermost.
 *
 * <p><b>Failures.</b> If {@link Snapshot#apply()} throws (an {@link Error} included), the chunk's
 * items do not run and fail with that cause: a fail-fast call throws a {@link
 * dev.parmap.TaskFailedException} for the chunk's first item, and with outcomes each item of the
 * chunk is a failure. If a {@link Scope#close()} throws, the other scopes are still closed, and the
 * call fails with a {@link dev.parmap.ParmapException} whose cause is what the scope threw (the
 * thread's context can no longer be trusted). Either way the call ends and no task of it runs any
 * more, as for a failed task.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ContextPropagator {

  /**
   * Captures the calling thread's context.
   *
   * @return a snapshot to apply around the call's tasks
   */
  Snapshot capture();

  /** Context captured from the calling thread. */
  @FunctionalInterface
  interface Snapshot {
    /**
     * Installs the captured context on the current thread.
     *
     * @return what undoes it
     */
    Scope apply();
  }

  /**
   * A snapshot put in place around the work it covers, rather than applied and undone: how a {@code
   * ScopedValue} binding is carried. For example, for a {@code ScopedValue<String> USER}:
   *
   * <pre>{@code
   * ContextPropagator user = () -> {
   *     String name = USER.isBound() ? USER.get() : null;  // on the calling thread
   *     return (ContextPropagator.Around) work -> {
   *         if (name == null) work.run(); else ScopedValue.where(USER, name).run(work);
   *     };
   * };
   * }</pre>
   *
   * <p>parmap calls {@link #runAround} on the pool thread once per chunk of items; when it returns,
   * the thread's context must be as before. If it throws before running {@code work}, or returns
   * without running it, the chunk's items fail as when {@link #apply()} throws; if it throws after
   * running {@code work}, the call fails as when a {@link Scope#close()} throws. A ready one for
   * {@code ScopedValue}s is in the {@code parmap-scoped-values} module.
   *
   * @since 0.1
   */
  @FunctionalInterface
  @SuppressWarnings("FunctionalInterfaceMethodChanged") // parmap never calls an Around's apply()
  interface Around extends Snapshot {
    /**
     * Runs {@code work} once, on the current thread, with the captured context in place, and
     * returns once it has returned, the context removed.
     *
     * @param work the chunk's items; it throws nothing (their failures are recorded inside)
     */
    void runAround(Runnable work);

    /**
     * Not used: an {@code Around} snapshot is put in place with {@link #runAround}.
     *
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    default Scope apply() {
      throw new UnsupportedOperationException(
          "a ContextPropagator.Around snapshot is put in place with runAround, not apply");
    }
  }

  /** Undoes an {@link Snapshot#apply()}. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {
    /** Restores the thread's previous context. */
    @Override
    void close();
  }
}
