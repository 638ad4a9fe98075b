package dev.parmap.hazelcast;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices when this JVM was not running for a while (SIGSTOP, a long GC pause, a suspended VM): a
 * daemon thread ticks every {@value #TICK_MILLIS} ms and records any gap longer than {@value
 * #PAUSE_MILLIS} ms between two ticks. A member asks it, before running a chunk, whether it was
 * paused since the chunk arrived for longer than its caller waits for a silent member: that caller
 * has given up on this member and re-sent the chunk elsewhere, so running it would only repeat the
 * work (and its side effects) after the call may have returned.
 *
 * <p>A pause that is still being caught up on counts too: after a SIGCONT the chunk's thread may
 * run before the tick does, and then the time since the last tick is the pause.
 */
final class PauseWatch implements AutoCloseable {

  static final long TICK_MILLIS = 100;
  static final long PAUSE_MILLIS = 1_000;
  private static final int KEPT = 32;

  private final Thread ticker;
  private volatile boolean closed;
  private volatile long lastTick = System.nanoTime();

  // Guarded by this: {end, length} of the latest pauses, oldest first.
  private final ArrayDeque<long[]> pauses = new ArrayDeque<>();

  PauseWatch(String threadName) {
    ticker = Thread.ofPlatform().daemon().name(threadName).unstarted(this::tick);
    ticker.start();
  }

  private void tick() {
    long tickNanos = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    long pauseNanos = TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS);
    while (!closed) {
      LockSupport.parkNanos(tickNanos);
      long now = System.nanoTime();
      long gap = now - lastTick;
      if (gap > pauseNanos) {
        record(now, gap);
      }
      lastTick = now;
    }
  }

  private synchronized void record(long end, long length) {
    pauses.addLast(new long[] {end, length});
    if (pauses.size() > KEPT) {
      pauses.removeFirst();
    }
  }

  /**
   * The longest pause of this JVM that ended after {@code since} (a {@link System#nanoTime()}),
   * including one it is only now recovering from; 0 if none longer than {@value #PAUSE_MILLIS} ms.
   * The whole pause counts, also the part before {@code since}: a message that arrived during a
   * pause is read only once it ends.
   */
  long longestPauseAfter(long since) {
    long now = System.nanoTime();
    long current = now - lastTick - TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    long longest = current > TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS) ? current : 0;
    synchronized (this) {
      for (long[] pause : pauses) {
        if (pause[0] - since > 0) {
          longest = Math.max(longest, pause[1]);
        }
      }
    }
    return longest;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(ticker);
  }
}
