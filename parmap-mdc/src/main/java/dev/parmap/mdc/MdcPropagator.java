package dev.parmap.mdc;

import dev.parmap.observe.ContextPropagator;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Carries SLF4J's {@link MDC} (mapped diagnostic context: a request id, a user, a trace id) from
 * the thread that makes a parmap call into the threads that run its tasks, so that the tasks' log
 * lines carry the caller's keys:
 *
 * <pre>{@code
 * MDC.put("requestId", "r-42");
 * MapOptions options = MapOptions.builder().propagate(new MdcPropagator()).build();
 * try (Pool pool = Pool.virtual().with(options)) {
 *     pool.forEach(urls, url -> log.info("fetching {}", url)); // each line has requestId=r-42
 * }
 * }</pre>
 *
 * <p><b>Contract.</b> {@link #capture()} copies the calling thread's MDC ({@link
 * MDC#getCopyOfContextMap()}) once, when the call is made; later changes to the caller's MDC do not
 * reach the call. Before each chunk of items, on the pool thread, the MDC becomes exactly that copy
 * (keys the thread had are hidden, not merged); after the chunk the thread's MDC is exactly what it
 * was before, cleared if it was empty. So a task sees the caller's keys and leaves nothing behind
 * on a shared pool thread, nor on the thread of an outer task when a nested call runs a chunk
 * there; the caller's own MDC is never changed. The items of a chunk run one after another under
 * one apply, so a key a task puts is seen by the next items of its chunk: use {@link
 * MDC#putCloseable} in a try-with-resources for a key of one item.
 *
 * <p>Without an SLF4J provider (SLF4J's no-operation fallback) the MDC holds nothing and this
 * propagator has no effect. Stateless and thread-safe: one instance may serve every call.
 *
 * @since 0.1
 */
public final class MdcPropagator implements ContextPropagator {

  /** A propagator of SLF4J's MDC. */
  public MdcPropagator() {}

  /**
   * Copies the calling thread's MDC.
   *
   * @return a snapshot that installs the copy on a pool thread
   */
  @Override
  public Snapshot capture() {
    Map<String, String> captured = copyOfContext();
    return () -> {
      Map<String, String> previous = copyOfContext();
      install(captured);
      return () -> install(previous);
    };
  }

  @Override
  public String toString() {
    return "MdcPropagator";
  }

  /** The current thread's MDC; empty when it has none (or SLF4J has no MDC to keep). */
  private static Map<String, String> copyOfContext() {
    @Nullable Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy != null ? copy : Map.of();
  }

  /** Makes the current thread's MDC exactly {@code context}. */
  private static void install(Map<String, String> context) {
    if (context.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
  }
}
