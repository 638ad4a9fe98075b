package dev.parmap.engine;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of an item, as far as a policy sees it: the task at the core, each policy of the
 * chain wrapping the next (as Failsafe composes its policy executors). A policy owns its mechanism
 * (a wait, an alarm) and nothing else; {@link RetryPolicy} runs the chain once per attempt.
 */
@FunctionalInterface
interface Step {
  /**
   * Runs the attempt.
   *
   * @param item the item
   * @param index its index in the input, for messages
   * @param chunk the running chunk: the thread an alarm interrupts
   * @return the task's result
   * @throws WaitCut if a wait before the task was cut short (the call is stopping)
   * @throws Exception whatever the attempt failed with
   */
  @Nullable Object run(@Nullable Object item, long index, Chunk chunk) throws Exception;

  /**
   * A wait before the task (a rate limit's) was interrupted: the call is stopping. Not a failure of
   * the attempt, which never started.
   */
  final class WaitCut extends Exception {
    private static final long serialVersionUID = 1L;

    WaitCut(InterruptedException cause) {
      super(null, cause, false, false); // a carrier, never shown: no stack trace
    }
  }
}
