package dev.parmap;

import dev.parmap.engine.ResourceWork;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * An expensive object that each worker of a call creates once and reuses for many items, and that
 * is closed when the call ends: Python's {@code Pool(initializer=...)}, mpire's {@code
 * worker_state}. Immutable: a factory and a close, reusable across calls.
 *
 * <pre>{@code
 * List<Document> docs = pool.mapWith(files, HtmlParser::new, (parser, file) -> parser.parse(file));
 *
 * WorkerResource<Connection> db = WorkerResource.of(dataSource::getConnection);
 * long inserted = pool.stream(rows, db.task((connection, row) -> insert(connection, row)))
 *     .filter(ok -> ok).count();
 * }</pre>
 *
 * <h2>Contract, in a call of a {@link Pool}</h2>
 *
 * <ul>
 *   <li><b>One task at a time.</b> A resource is used by one task at a time, so it need not be
 *       thread-safe; it may be used by different threads one after the other (a {@code
 *       Pool.virtual()} pool makes a thread per chunk of items: resources are pooled by the call,
 *       not tied to threads).
 *   <li><b>Lazy, and no more than needed.</b> A resource is created by the thread of the task that
 *       needs it when no created one is free, in the caller's {@linkplain
 *       MapOptions.Builder#propagate propagated context}: a call creates at most as many as it runs
 *       tasks at once (its pool's size, or its {@linkplain MapOptions#maxConcurrency() maximum
 *       concurrency}), and none if it has no item. Each is reused for the following items and
 *       chunks, after an item that failed too.
 *   <li><b>Closed when the call ends.</b> Every resource the call created is closed before the call
 *       returns or throws, or before its result stream's terminal operation (or {@code close()})
 *       returns: after success, failure, a deadline, a cancellation, a caller's interrupt, a
 *       terminated pool, or a short-circuited stream ({@code limit(10)}). They are closed on the
 *       call's driver (the calling thread, the stream's consumer or {@code mapAsync}'s thread),
 *       once no task runs. A task the call gave up waiting for (it ignored interruption for the
 *       whole {@linkplain MapOptions#cancellationGrace() cancellation grace}) closes its resource
 *       when it ends. A result stream dropped without a terminal operation or {@code close()} keeps
 *       its idle resources until its pool is closed.
 *   <li><b>A factory that throws</b> fails the attempt of the item that needed the resource, with
 *       the factory's exception as the cause, exactly as if the task had thrown it: retries,
 *       timeouts and outcomes apply to it as to the task (a fail-fast call throws a {@link
 *       TaskFailedException} for that item), and the next item that needs a resource calls the
 *       factory again. A factory that returns {@code null} fails the same way, with a {@link
 *       NullPointerException}.
 *   <li><b>A close that throws</b> does not stop the other resources from being closed, and fails
 *       the call with a {@link ParmapException} whose cause is what it threw (the others suppressed
 *       in it), or is attached as suppressed to the call's own failure, as when a {@linkplain
 *       dev.parmap.observe.ContextPropagator context scope} fails to close.
 * </ul>
 *
 * <p>A task made by {@link #task} can be given to every call of a {@link Pool} that takes a {@link
 * Task} ({@code map}, the streams, {@code mapAsync}, the {@code Outcomes} calls) and to {@link
 * Parmap}'s; an action made by {@link #action} to {@code forEach}. Applied in any other way
 * (directly, or by a pool that does not know worker resources), each application creates a
 * resource, uses it and closes it.
 *
 * @param <S> the resource
 * @since 0.1
 */
public final class WorkerResource<S> {
  private final Callable<? extends S> factory;
  private final @Nullable Action<? super S> close; // null: close() if AutoCloseable
  private final boolean keptByPool;

  private WorkerResource(
      Callable<? extends S> factory, @Nullable Action<? super S> close, boolean keptByPool) {
    this.factory = factory;
    this.close = close;
    this.keptByPool = keptByPool;
  }

  /**
   * Resources made by {@code factory} and, if they are {@link AutoCloseable}, closed with their
   * {@code close()} (others are dropped).
   *
   * @param factory makes one resource; called on a worker thread, as often as needed
   * @param <S> the resource
   * @return the resource's description
   * @throws NullPointerException if {@code factory} is null
   */
  public static <S> WorkerResource<S> of(Callable<? extends S> factory) {
    Pool.notNull(factory, "factory");
    return new WorkerResource<>(factory, null, false);
  }

  /**
   * Resources made by {@code factory} and closed by {@code close}.
   *
   * @param factory makes one resource; called on a worker thread, as often as needed
   * @param close closes one resource, once, when the call ends
   * @param <S> the resource
   * @return the resource's description
   * @throws NullPointerException if an argument is null
   */
  public static <S> WorkerResource<S> of(Callable<? extends S> factory, Action<? super S> close) {
    Pool.notNull(factory, "factory");
    Pool.notNull(close, "close");
    return new WorkerResource<>(factory, close, false);
  }

  /**
   * These resources, kept by the pool between calls rather than closed when each call ends: for a
   * resource too expensive to make per call (a model, a connection) used by many calls of one pool,
   * such as one per request of a server.
   *
   * <pre>{@code
   * static final WorkerResource<Model> MODELS = WorkerResource.of(Model::load).keptByPool();
   * ...
   * List<Label> labels = pool.map(images, MODELS.task((model, image) -> model.label(image)));
   * }</pre>
   *
   * <p>The calls of a {@link Pool} (and of its {@link Pool#with with} views) given tasks or actions
   * made by the returned object share one set of resources: a call takes idle ones before it
   * creates any, so at most as many exist as tasks of those calls ran at once (for {@code
   * Pool.threads(n)}, at most {@code n}); a call's end leaves them idle. They are closed by the
   * pool's {@link Pool#close() close()} (or {@link Pool#terminate() terminate()}) once no call
   * runs; a close that throws makes {@code close()} throw a {@link ParmapException}, after the
   * others were closed. Everything else is as for resources that end with the call: one task at a
   * time, lazy creation, a factory that throws. Keep the returned object (in a field): calls share
   * resources only when their tasks come from the same object. {@link Parmap}'s calls make a pool
   * per call, so their resources end with the call all the same.
   *
   * @return a resource description like this one, whose resources the pool keeps
   */
  public WorkerResource<S> keptByPool() {
    return keptByPool ? this : new WorkerResource<>(factory, close, true);
  }

  /**
   * {@code task} as a {@link Task} for any call of a {@link Pool}: each call that runs it gives its
   * tasks resources as this class describes.
   *
   * @param task applied to each item with a resource
   * @param <T> the items
   * @param <R> the results
   * @return the task, to pass to {@code map}, {@code stream} and the other calls that take a {@link
   *     Task}
   * @throws NullPointerException if {@code task} is null
   */
  public <T extends @Nullable Object, R extends @Nullable Object> Task<T, R> task(
      ResourceTask<? super S, ? super T, ? extends R> task) {
    Pool.notNull(task, "task");
    return new Bound<>(this, task);
  }

  /**
   * {@code action} as an {@link Action} for {@code forEach}: each call that runs it gives its tasks
   * resources as this class describes.
   *
   * <pre>{@code
   * WorkerResource<Connection> db = WorkerResource.of(dataSource::getConnection);
   * pool.forEach(rows, db.action((connection, row) -> insert(connection, row)));
   * }</pre>
   *
   * @param action applied to each item with a resource
   * @param <T> the items
   * @return the action, to pass to {@code forEach}
   * @throws NullPointerException if {@code action} is null
   */
  public <T extends @Nullable Object> Action<T> action(
      ResourceAction<? super S, ? super T> action) {
    Pool.notNull(action, "action");
    return new BoundAction<>(
        new Bound<S, T, @Nullable Object>(
            this,
            (resource, item) -> {
              action.accept(resource, item);
              return null;
            }));
  }

  @Override
  public String toString() {
    return "WorkerResource[" + factory + (keptByPool ? ", kept by the pool]" : "]");
  }

  /** A task with its resource: what {@link Pool} recognises and hands the engine. */
  static final class Bound<S, T extends @Nullable Object, R extends @Nullable Object>
      implements Task<T, R> {
    private final ResourceWork work;

    Bound(WorkerResource<S> resource, ResourceTask<? super S, ? super T, ? extends R> task) {
      this.work = new EngineWork<>(resource, task);
    }

    /** The engine's view: the resource's factory and close, and the task. */
    ResourceWork forEngine() {
      return work;
    }

    @Override
    @SuppressWarnings({"unchecked", "NullAway"}) // the task's result: an R, nullable if R is
    public R apply(T item) throws Exception {
      return (R) work.apply(item); // outside a call that keeps resources: one of its own
    }
  }

  /** An action with its resource: {@link Pool#forEach} runs its task. */
  static final class BoundAction<T extends @Nullable Object> implements Action<T> {
    private final Bound<?, T, @Nullable Object> task;

    BoundAction(Bound<?, T, @Nullable Object> task) {
      this.task = task;
    }

    /** The task that {@code forEach} hands the engine. */
    Bound<?, T, @Nullable Object> task() {
      return task;
    }

    @Override
    public void accept(T item) throws Exception {
      task.apply(item); // outside a call that keeps resources: one of its own
    }
  }

  private static final class EngineWork<S, T extends @Nullable Object> implements ResourceWork {
    private final WorkerResource<S> resource;
    private final ResourceTask<? super S, ? super T, ?> task;

    EngineWork(WorkerResource<S> resource, ResourceTask<? super S, ? super T, ?> task) {
      this.resource = resource;
      this.task = task;
    }

    @Override
    public @Nullable Object poolKey() {
      return resource.keptByPool ? resource : null;
    }

    @Override
    public Object create() throws Exception {
      S created = resource.factory.call();
      if (created == null) {
        throw new NullPointerException("the worker resource factory returned null");
      }
      return created;
    }

    @Override
    @SuppressWarnings({"unchecked", "NullAway"}) // made by create(), an S; the items are Ts
    public @Nullable Object apply(Object made, @Nullable Object item) throws Exception {
      return task.apply((S) made, (T) item);
    }

    @Override
    @SuppressWarnings("unchecked") // made by create(): an S
    public void close(Object made) throws Exception {
      Action<? super S> closer = resource.close;
      if (closer != null) {
        closer.accept((S) made);
      } else if (made instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }
}
