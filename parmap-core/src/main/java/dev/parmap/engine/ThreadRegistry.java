package dev.parmap.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** A thread factory for a pool's own platform threads that remembers them, to join them later. */
public final class ThreadRegistry implements ThreadFactory {
  private final String namePrefix;
  private final AtomicInteger count = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();

  public ThreadRegistry(String namePrefix) {
    this.namePrefix = namePrefix;
  }

  @Override
  public Thread newThread(Runnable work) {
    Thread thread =
        Thread.ofPlatform().name(namePrefix + count.getAndIncrement()).daemon(true).unstarted(work);
    synchronized (threads) {
      threads.add(thread);
    }
    return thread;
  }

  /**
   * Joins every thread created so far.
   *
   * @return whether the calling thread was interrupted meanwhile (its flag is left cleared)
   */
  boolean joinAll() {
    List<Thread> snapshot;
    synchronized (threads) {
      snapshot = new ArrayList<>(threads);
    }
    boolean interrupted = false;
    for (Thread thread : snapshot) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }
}
