package dev.parmap.hazelcast;

import dev.parmap.Pool;
import dev.parmap.WorkerResource;
import dev.parmap.engine.ResourceWork;
import dev.parmap.engine.SharedSecrets;
import java.lang.invoke.MethodHandles;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An expensive object that each member creates for a call and reuses for many items, closed when
 * the call ends there: {@link WorkerResource} for a {@link ClusterPool}, whose factory, close and
 * task are sent to the members (they must serialize). Immutable; reusable across calls.
 *
 * <pre>{@code
 * ClusterResource<HtmlParser> parsers = ClusterResource.of(HtmlParser::new);
 * List<Document> docs = pool.map(pages, parsers.task((parser, page) -> parser.parse(page)));
 * // or, for map: pool.mapWith(pages, HtmlParser::new, (parser, page) -> parser.parse(page));
 * }</pre>
 *
 * <h2>Contract, in a call of a {@link ClusterPool}</h2>
 *
 * As {@link WorkerResource}'s, per member:
 *
 * <ul>
 *   <li><b>One task at a time.</b> A resource lives on the member that created it and is used by
 *       one task at a time: the chunk of items that holds it runs them one after the other.
 *   <li><b>Lazy, and no more than needed.</b> A chunk takes a resource at its first item that needs
 *       one: an idle one of the call on that member, or one its factory creates then, on the
 *       member's thread. A member creates at most as many for a call as it runs chunks of the call
 *       at once (its worker threads), and none if it runs no item of it; each is reused by the
 *       call's next chunks there, after an item that failed too.
 *   <li><b>Closed when the call ends on the member</b>: the idle ones when the caller's notice of
 *       the call's end arrives, the ones lent to chunks still running (interrupted) when their
 *       chunk ends. The call waits for the members' acknowledgement, at most its {@linkplain
 *       dev.parmap.MapOptions#cancellationGrace() cancellation grace}, before it returns or throws
 *       (or before a result stream's terminal operation or {@code close()} returns): after success,
 *       failure, a deadline, or a stream's {@code limit}. A member that the caller can no longer
 *       reach, or whose caller died, closes them when it drops the call, after no chunk of it ran
 *       for the {@linkplain ClusterConfig#chunkTimeout() chunk timeout}.
 *   <li><b>A factory that throws</b> (or returns {@code null}) fails the attempt of the item that
 *       needed the resource, with the factory's exception as the cause, as if the task had thrown
 *       it: retries, timeouts and outcomes apply; the next item that needs one calls it again.
 *   <li><b>A close that throws</b> does not stop the others from being closed; it is logged on the
 *       member (at {@code WARNING}), not reported to the caller: unlike a {@link
 *       dev.parmap.Pool}'s, the call does not fail with it.
 * </ul>
 *
 * <p>A task made by {@link #task} can be given to every call of a {@link ClusterPool} that takes a
 * task, an action made by {@link #action} to {@link ClusterPool#forEach}. Applied in any other way
 * (directly, or by another pool), each application creates a resource, uses it and closes it.
 *
 * @param <S> the resource
 * @since 0.1
 */
public final class ClusterResource<S> {
  private final SerializableFactory<? extends S> factory;
  private final @Nullable SerializableAction<? super S> close; // null: close() if AutoCloseable

  private ClusterResource(
      SerializableFactory<? extends S> factory, @Nullable SerializableAction<? super S> close) {
    this.factory = factory;
    this.close = close;
  }

  /**
   * Resources made by {@code factory} and, if they are {@link AutoCloseable}, closed with their
   * {@code close()} (others are dropped).
   *
   * @param factory makes one resource; called on a member's thread, as often as needed
   * @param <S> the resource
   * @return the resource's description
   * @throws NullPointerException if {@code factory} is null
   */
  public static <S> ClusterResource<S> of(SerializableFactory<? extends S> factory) {
    return new ClusterResource<>(Objects.requireNonNull(factory, "factory must not be null"), null);
  }

  /**
   * Resources made by {@code factory} and closed by {@code close}.
   *
   * @param factory makes one resource; called on a member's thread, as often as needed
   * @param close closes one resource, once, when the call ends on the member
   * @param <S> the resource
   * @return the resource's description
   * @throws NullPointerException if an argument is null
   */
  public static <S> ClusterResource<S> of(
      SerializableFactory<? extends S> factory, SerializableAction<? super S> close) {
    return new ClusterResource<>(
        Objects.requireNonNull(factory, "factory must not be null"),
        Objects.requireNonNull(close, "close must not be null"));
  }

  /**
   * {@code task} as a task for any call of a {@link ClusterPool}: each call that runs it gives its
   * tasks resources on the members as this class describes.
   *
   * @param task applied to each item with a resource
   * @param <T> the items
   * @param <R> the results
   * @return the task, to pass to {@code map}, {@code stream} and the other calls that take a task
   * @throws NullPointerException if {@code task} is null
   */
  public <T extends @Nullable Object, R extends @Nullable Object> SerializableTask<T, R> task(
      SerializableResourceTask<? super S, ? super T, ? extends R> task) {
    return new Bound<>(factory, close, Objects.requireNonNull(task, "task must not be null"));
  }

  /**
   * {@code action} as an action for {@link ClusterPool#forEach}: each call that runs it gives its
   * tasks resources on the members as this class describes.
   *
   * @param action applied to each item with a resource
   * @param <T> the items
   * @return the action, to pass to {@code forEach}
   * @throws NullPointerException if {@code action} is null
   */
  public <T extends @Nullable Object> SerializableAction<T> action(
      SerializableResourceAction<? super S, ? super T> action) {
    return new BoundAction<>(
        new Bound<S, T, @Nullable Object>(
            factory,
            close,
            new ActionAsTask<S, T>(Objects.requireNonNull(action, "action must not be null"))));
  }

  @Override
  public String toString() {
    return "ClusterResource[" + factory + "]";
  }

  /** A resource action as a resource task of no result. */
  record ActionAsTask<S, T extends @Nullable Object>(
      SerializableResourceAction<? super S, ? super T> action)
      implements SerializableResourceTask<S, T, @Nullable Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public @Nullable Object apply(S resource, T item) throws Exception {
      action.accept(resource, item);
      return null;
    }
  }

  /** An action with its resource: {@link ClusterPool#forEach} sends its {@link #task()}. */
  static final class BoundAction<T extends @Nullable Object> implements SerializableAction<T> {
    private static final long serialVersionUID = 1L;
    private final Bound<?, T, @Nullable Object> task;

    BoundAction(Bound<?, T, @Nullable Object> task) {
      this.task = task;
    }

    Bound<?, T, @Nullable Object> task() {
      return task;
    }

    @Override
    public void accept(T item) throws Exception {
      task.apply(item); // outside a call that keeps resources: one of its own
    }
  }

  /** A task with its resource: what a member recognises and keeps resources for. */
  static final class Bound<S, T extends @Nullable Object, R extends @Nullable Object>
      implements SerializableTask<T, R> {
    private static final long serialVersionUID = 1L;

    static {
      try {
        // The core's resource work reaches this module through the engine's SharedSecrets,
        // registered by Pool's static initializer (a member may not have loaded ClusterPool).
        MethodHandles.lookup().ensureInitialized(Pool.class);
      } catch (IllegalAccessException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final SerializableFactory<? extends S> factory;
    private final @Nullable SerializableAction<? super S> close;
    private final SerializableResourceTask<? super S, ? super T, ? extends R> task;

    Bound(
        SerializableFactory<? extends S> factory,
        @Nullable SerializableAction<? super S> close,
        SerializableResourceTask<? super S, ? super T, ? extends R> task) {
      this.factory = factory;
      this.close = close;
      this.task = task;
    }

    /** The user's task: the code whose version a member checks. */
    SerializableResourceTask<? super S, ? super T, ? extends R> task() {
      return task;
    }

    /**
     * The engine's view, for the member's {@link dev.parmap.engine.WorkerResources}: the core's own
     * {@link WorkerResource} made of this factory, close and task (its null check, its close of an
     * {@link AutoCloseable}).
     */
    ResourceWork forMember() {
      WorkerResource<S> resource =
          close == null ? WorkerResource.<S>of(factory) : WorkerResource.<S>of(factory, close);
      ResourceWork work = SharedSecrets.resourceWork(resource.<T, R>task(task));
      if (work == null) {
        throw new IllegalStateException("parmap bug: a WorkerResource's task is not resource work");
      }
      return work;
    }

    @Override
    @SuppressWarnings({"unchecked", "NullAway"}) // the task's result: an R, nullable if R is
    public R apply(T item) throws Exception {
      return (R) forMember().apply(item); // outside a call that keeps resources: one of its own
    }
  }
}
