package dev.parmap.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The per-worker resources of one call: created lazily, held by one running chunk at a time, reused
 * by the chunks that run after it, and all closed when the call ends.
 *
 * <p><b>Lifecycle.</b> A chunk takes a resource at its first item that needs one ({@link #run}, the
 * innermost step of the item's policy chain, so a factory that throws fails that attempt and the
 * retry policy applies), keeps it for the rest of its items ({@link Chunk#resource}), and gives it
 * back when it ends ({@link #release}, called by the {@link ItemRunner} whatever happened). A
 * resource given back is idle until another chunk takes it; {@link #closeAll()} (once nothing of
 * the call runs) closes the idle ones, and from then on a resource given back (by a chunk the call
 * gave up waiting for) is closed at once.
 *
 * <p><b>Invariants</b> (guarded by this object's monitor): every resource created is in exactly one
 * place: held by one running chunk, in {@code idle}, or closed. A chunk creates a resource only
 * when none is idle, so at most as many resources exist as chunks of the call have run at once: the
 * call's real concurrency. Creating and closing run outside the monitor, on the thread of the chunk
 * (creation) or of the call's driver ({@link #closeAll()}).
 *
 * <p><b>Kept by the pool.</b> The resources of a work with a {@linkplain ResourceWork#poolKey()
 * pool key} are shared by every call of the pool under that key ({@link PoolWork#keptResources}):
 * the same invariants hold across those calls (at most as many as their chunks ran at once), a
 * call's end leaves them idle ({@link #closeAll()} and {@link #closeIdle()} do nothing), and the
 * pool closes them with {@link #closeWithPool()} once no call runs.
 *
 * <p><b>Elsewhere.</b> A front end whose chunks run elsewhere keeps a call's resources there with
 * the same object ({@link #take()}, {@link #giveBack}, {@link #closeAll()}): the cluster's members,
 * one per call they run chunks of.
 */
public final class WorkerResources {
  private final @Nullable ResourceWork work; // the call's: applies its task
  private final boolean keptByPool; // this is the pool's store for one key
  private final @Nullable WorkerResources store; // a call's view of the pool's store, or null

  // Guarded by this.
  private final ArrayDeque<Object> idle = new ArrayDeque<>();
  private int created;
  private boolean closed;
  private @Nullable Throwable notClosed; // close failures not yet reported by closeAll

  /**
   * @param work the call's work, or null if the call has no per-worker resources (then every method
   *     is a no-op)
   */
  public WorkerResources(@Nullable ResourceWork work) {
    this(work, false, null);
  }

  private WorkerResources(
      @Nullable ResourceWork work, boolean keptByPool, @Nullable WorkerResources store) {
    this.work = work;
    this.keptByPool = keptByPool;
    this.store = store;
  }

  /**
   * The store of the resources that the pool keeps for all its calls under one key; {@code work}
   * creates and closes them.
   */
  static WorkerResources keptByPool(ResourceWork work) {
    return new WorkerResources(work, true, null);
  }

  /**
   * A call's resources taken from this store of the pool's: the call's {@code work} applies its
   * task with them, and its end leaves them here.
   */
  WorkerResources forCall(ResourceWork work) {
    return new WorkerResources(work, false, this);
  }

  /** Whether the call has per-worker resources. */
  boolean exist() {
    return work != null;
  }

  /**
   * The task for one attempt of an item (a {@link Step}): applied with the chunk's resource, taken
   * or created now if the chunk holds none yet.
   *
   * @throws Exception what the factory threw (the attempt fails with it), or what the task threw
   */
  @Nullable Object run(@Nullable Object item, long index, Chunk chunk) throws Exception {
    ResourceWork task = work();
    Object resource = chunk.resource;
    if (resource == null) {
      WorkerResources from = store != null ? store : this;
      resource = from.take(from.work());
      chunk.resource = resource;
    }
    return task.apply(resource, item);
  }

  /**
   * A resource for a chunk about to use it: an idle one (the most recently given back), or one
   * created now on the calling thread when none is idle. Give it back with {@link #giveBack} when
   * the chunk ends, whatever happened.
   *
   * @throws Exception what the factory threw (the attempt that needed the resource fails with it)
   * @throws IllegalStateException if the resources were closed: the call has ended
   */
  public Object take() throws Exception {
    return take(work());
  }

  private Object take(ResourceWork task) throws Exception {
    synchronized (this) {
      Object warm = idle.pollLast(); // the most recently used: its caches are the warmest
      if (warm != null) {
        return warm;
      }
      if (closed) {
        throw new IllegalStateException(
            keptByPool
                ? "the pool is closed: no worker resource is handed out"
                : "the call has ended: no worker resource is handed out");
      }
    }
    Object resource = task.create();
    if (resource == null) {
      throw new NullPointerException("the worker resource factory returned null");
    }
    synchronized (this) {
      created++;
    }
    return resource;
  }

  /**
   * Gives back the resource the chunk holds, if any: it goes idle, or is closed if the call ended.
   */
  void release(Chunk chunk) {
    if (store != null) {
      store.release(chunk);
      return;
    }
    Object resource = chunk.resource;
    if (resource == null) {
      return;
    }
    chunk.resource = null;
    giveBack(resource);
  }

  /**
   * Gives back a resource {@link #take()} handed out: it goes idle, or is closed at once if the
   * resources were closed meanwhile (what that close throws waits for the next {@link
   * #closeAll()}).
   */
  public void giveBack(Object resource) {
    synchronized (this) {
      if (!closed) {
        idle.addLast(resource);
        return;
      }
    }
    Throwable failed = close(resource, null);
    if (failed != null) {
      synchronized (this) {
        notClosed = merge(notClosed, failed);
      }
    }
  }

  /**
   * Closes the idle resources and every resource given back from now on. Safe from any thread and
   * more than once; meant for when no chunk of the call runs.
   *
   * @return what the closes threw since the last call (the first, the others suppressed in it), or
   *     null if every one closed
   */
  public @Nullable Throwable closeAll() {
    return keptByPool || store != null ? null : closeNow();
  }

  /**
   * Closes resources kept by the pool, as {@link #closeAll()} closes a call's: when the pool
   * closes, once no call of it runs.
   */
  @Nullable Throwable closeWithPool() {
    return closeNow();
  }

  private @Nullable Throwable closeNow() {
    closeIdleNow();
    synchronized (this) {
      Throwable failed = notClosed;
      notClosed = null;
      return failed;
    }
  }

  /**
   * As {@link #closeAll()}, but keeps what the closes threw for the next {@code closeAll()}: for a
   * stream whose pool closes while nobody drives it.
   */
  void closeIdle() {
    if (!keptByPool && store == null) {
      closeIdleNow();
    }
  }

  private void closeIdleNow() {
    List<Object> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
    }
    Throwable failed = null;
    for (Object resource : toClose) {
      failed = close(resource, failed);
    }
    if (failed != null) {
      synchronized (this) {
        notClosed = merge(notClosed, failed);
      }
    }
  }

  /** How many resources were created so far (by the call, or under the pool's key). */
  public int created() {
    if (store != null) {
      return store.created();
    }
    synchronized (this) {
      return created;
    }
  }

  private @Nullable Throwable close(Object resource, @Nullable Throwable failed) {
    try {
      work().close(resource);
      return failed;
    } catch (Throwable e) { // reported by the driver, Errors included
      return merge(failed, e);
    }
  }

  private static Throwable merge(@Nullable Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    if (first != next) {
      first.addSuppressed(next);
    }
    return first;
  }

  private ResourceWork work() {
    ResourceWork task = work;
    if (task == null) {
      throw new IllegalStateException("parmap bug: this call has no per-worker resources");
    }
    return task;
  }
}
