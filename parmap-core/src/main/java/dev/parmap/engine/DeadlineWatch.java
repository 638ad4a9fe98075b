package dev.parmap.engine;

import java.util.concurrent.TimeUnit;

/**
 * Stops a call when its deadline passes, from a virtual thread of its own: the call's driver may be
 * busy when it does (running a chunk of a nested call itself, or blocked in a slow input), and the
 * running tasks must be interrupted on time anyway.
 *
 * <p>The watch sleeps until the deadline, runs the action once, and ends. {@link #end()} ends it
 * early (the call ended first) and returns once its thread has terminated: no thread of the call
 * outlives it. Safe to end from any thread, more than once.
 */
final class DeadlineWatch {
  private final Thread thread;

  private DeadlineWatch(Thread thread) {
    this.thread = thread;
  }

  /**
   * Starts watching.
   *
   * @param name the watch thread's name
   * @param deadlineAt when to act, in {@link System#nanoTime()}
   * @param onDeadline what to do then (stop the call); runs on the watch thread
   */
  static DeadlineWatch start(String name, long deadlineAt, Runnable onDeadline) {
    Runnable body =
        () -> {
          try {
            long left;
            while ((left = deadlineAt - System.nanoTime()) > 0) {
              TimeUnit.NANOSECONDS.sleep(left);
            }
          } catch (InterruptedException e) {
            return; // ended before the deadline: nothing to do (the thread ends here)
          }
          onDeadline.run();
        };
    return new DeadlineWatch(Thread.ofVirtual().name(name).start(body));
  }

  /** Ends the watch if it is still waiting, and waits until its thread has terminated. */
  void end() {
    thread.interrupt();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
