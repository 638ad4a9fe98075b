package dev.parmap.contextpropagation;

import dev.parmap.observe.ContextPropagator;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Carries every thread-local context registered in Micrometer's {@link ContextRegistry} (the
 * library {@code io.micrometer:context-propagation}) from the thread that makes a parmap call into
 * the threads that run its tasks: a Micrometer Tracing or OpenTelemetry span, Spring Security's
 * context, an MDC, or a {@link ThreadLocal} of your own, each registered there once as a {@link
 * io.micrometer.context.ThreadLocalAccessor}. One line for all of them:
 *
 * <pre>{@code
 * MapOptions options = MapOptions.builder().propagate(new ContextRegistryPropagator()).build();
 * try (Pool pool = Pool.virtual().with(options)) {
 *     pool.forEach(urls, url -> fetch(url)); // each task sees the caller's registered context
 * }
 * }</pre>
 *
 * <p><b>Contract.</b> {@link #capture()} reads, once, on the calling thread when the call is made,
 * the value of every {@code ThreadLocalAccessor} registered at that moment ({@link
 * ContextSnapshotFactory#captureAll}); later changes on the caller do not reach the call. Before
 * each chunk of items, on the pool thread, every registered accessor is set to the captured value,
 * and those the caller had no value for are reset ({@code clearMissing}), so a task sees exactly
 * the caller's context, not what the pool thread held. After the chunk, on the same thread, every
 * accessor is restored to what the thread had before (reset if it had nothing), so nothing is left
 * behind on a shared pool thread, nor on the thread of an outer task when a nested call runs a
 * chunk there; the caller's own thread locals are never changed. The items of a chunk run one after
 * another under one apply, so a value a task sets is seen by the next items of its chunk.
 *
 * <p><b>Failures.</b> What an accessor throws while capturing is thrown by the call as it is made;
 * while setting or restoring, it fails the call as {@link ContextPropagator} describes.
 *
 * <p>Stateless and thread-safe: one instance may serve every call. Which accessors exist is read
 * from the registry at each capture and apply, so accessors registered later take part in later
 * calls.
 *
 * @since 0.1
 */
public final class ContextRegistryPropagator implements ContextPropagator {
  private final ContextRegistry registry;
  private final ContextSnapshotFactory snapshots;

  /**
   * A propagator of what is registered in {@link ContextRegistry#getInstance()}, the registry that
   * libraries register their accessors in (by hand or through {@link java.util.ServiceLoader}).
   */
  public ContextRegistryPropagator() {
    this(ContextRegistry.getInstance());
  }

  /**
   * A propagator of what is registered in {@code registry}.
   *
   * @param registry the registry whose thread-local accessors to propagate
   * @throws NullPointerException if {@code registry} is null
   */
  public ContextRegistryPropagator(ContextRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry must not be null");
    this.snapshots =
        ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
  }

  /**
   * Captures the calling thread's value of every registered thread-local accessor.
   *
   * @return a snapshot that installs those values on a pool thread, and whose scope restores the
   *     thread's own
   */
  @Override
  public Snapshot capture() {
    ContextSnapshot captured = snapshots.captureAll();
    return () -> captured.setThreadLocals()::close;
  }

  /**
   * The propagator and the keys of the thread-local accessors registered at this moment.
   *
   * @return e.g. {@code "ContextRegistryPropagator[micrometer.observation, requestId]"}
   */
  @Override
  public String toString() {
    return registry.getThreadLocalAccessors().stream()
        .map(accessor -> String.valueOf(accessor.key()))
        .collect(Collectors.joining(", ", "ContextRegistryPropagator[", "]"));
  }
}
