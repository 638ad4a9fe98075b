package dev.parmap.micrometer;

import dev.parmap.MapOptions;
import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.ProgressListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records parmap calls in a Micrometer {@link MeterRegistry}, for production, where nobody watches
 * a progress bar. One line turns it on:
 *
 * <pre>{@code
 * MapOptions options = ParmapMetrics.on(registry, "fetch").addTo(MapOptions.builder()).build();
 * try (Pool pool = Pool.virtual(8).with(options)) {
 *     pool.map(urls, url -> fetch(url));
 * }
 * }</pre>
 *
 * <p><b>The meters.</b> Each is tagged {@code name} (this recorder's name), {@code call} (the
 * call's {@link CallInfo#what()}, such as {@code Pool.map}) and {@code pool} (the pool's {@link
 * CallInfo#pool() description}, such as {@code Pool.virtual(8)} or {@code Pool.threads(4)}): values
 * from a small fixed set, never an item, an index or a per-call id, so the number of time series
 * stays small.
 *
 * <ul>
 *   <li>{@value #CALLS} (timer, plus tag {@code ending}: {@code completed}, {@code failed}, {@code
 *       deadline_exceeded} or {@code cancelled}): each call's wall time, recorded once when it has
 *       ended, whichever way; a result stream ends when its terminal operation (a {@code limit(n)}
 *       included) or its {@code close()} ends it, so one dropped unclosed before its end is never
 *       timed.
 *   <li>{@value #CHUNKS} (timer): the time of each chunk, consecutive items run as one task on one
 *       thread. Chunks, not items: the engine times a chunk as a whole to stay cheap (a chunk of
 *       slow items holds one item; cheap items share one), so a single item's time is not
 *       observable. Its total is the time threads spent on the call's items.
 *   <li>{@value #ITEMS} (counter, plus tag {@code outcome}: {@code success} or {@code failure}):
 *       items that finished; a failure is an item whose last attempt threw, a timeout included.
 *   <li>{@value #RETRIES} (counter): attempts beyond the first, over all items.
 *   <li>{@value #TIMEOUTS} (counter): attempts the call's timeout interrupted, retried or not.
 *   <li>{@value #RATE_LIMIT_WAITS} (counter): attempts that waited for their rate-limit slot.
 *   <li>{@value #IN_FLIGHT} (gauge, tagged {@code name} only): the items being run at this moment
 *       by the calls this recorder propagates into, waits between retries included. A chunk runs
 *       its items one after another, so this is the number of the calls' tasks that are running. It
 *       is counted around each chunk by this recorder's {@link ContextPropagator} side, so it
 *       counts only calls whose options {@linkplain MapOptions.Builder#propagate propagate} this
 *       recorder ({@link #addTo} does); it does not know the call, hence the one tag. It is 0 again
 *       when the calls have returned.
 * </ul>
 *
 * The chunk timer and the counters are updated as each chunk completes, so a long call shows its
 * progress while it runs. What is not recorded: items of a call whose listener is another (a call
 * has one listener: with this recorder as propagator only, the gauge is all it records).
 * Percentiles and histograms are the registry's choice, as for any timer: configure them with a
 * {@link io.micrometer.core.instrument.config.MeterFilter}.
 *
 * <p><b>Threads and cost.</b> {@link #onStart} runs on the thread that drives a call and returns
 * that call's own observer, which the engine calls on that thread (see {@link ProgressListener});
 * it looks its meters up once per call and records one chunk event per chunk. The gauge is a shared
 * atomic counter, incremented and decremented on the pool thread around each chunk. A {@code
 * ParmapMetrics} is thread-safe: one instance serves any number of calls at once.
 *
 * <p><b>One per name.</b> Make one recorder per name and registry, and keep it (a field, a bean):
 * recorders with the same name on one registry share the timers and counters, as Micrometer's
 * meters are, but the gauge follows the first of them only (Micrometer keeps the first gauge
 * registered under a name and tags).
 *
 * @since 0.1
 */
public final class ParmapMetrics implements ProgressListener, ContextPropagator {

  /** The timer of calls. */
  public static final String CALLS = "parmap.calls";

  /** The timer of chunks. */
  public static final String CHUNKS = "parmap.chunks";

  /** The counter of finished items. */
  public static final String ITEMS = "parmap.items";

  /** The counter of retries. */
  public static final String RETRIES = "parmap.retries";

  /** The counter of attempts the timeout interrupted. */
  public static final String TIMEOUTS = "parmap.timeouts";

  /** The counter of attempts that waited for their rate-limit slot. */
  public static final String RATE_LIMIT_WAITS = "parmap.rate.limit.waits";

  /** The gauge of items in flight. */
  public static final String IN_FLIGHT = "parmap.items.in.flight";

  private final MeterRegistry registry;
  private final String name;
  private final AtomicLong inFlight = new AtomicLong();

  /** One snapshot serves every call: it carries no context, it counts. */
  private final Snapshot counting =
      () -> {
        inFlight.incrementAndGet();
        return inFlight::decrementAndGet;
      };

  private ParmapMetrics(MeterRegistry registry, String name) {
    this.registry = registry;
    this.name = name;
    Gauge.builder(IN_FLIGHT, inFlight, AtomicLong::get)
        .tag("name", name)
        .description("parmap items being run at this moment")
        .strongReference(true)
        .register(registry);
  }

  /**
   * A recorder named {@code "default"}; see {@link #on(MeterRegistry, String)}.
   *
   * @param registry where the meters go
   * @return a listener and propagator for {@link MapOptions}
   * @throws NullPointerException if {@code registry} is null
   */
  public static ParmapMetrics on(MeterRegistry registry) {
    return on(registry, "default");
  }

  /**
   * A recorder whose meters carry the tag {@code name=}{@code name}, to tell apart the work of
   * several parts of a program (e.g. {@code "fetch"}, {@code "import"}). Registers its gauge at
   * once; the other meters are registered by the first call of each kind on each pool.
   *
   * @param registry where the meters go
   * @param name the value of the {@code name} tag: a fixed word, not a per-call value
   * @return a listener and propagator for {@link MapOptions}
   * @throws NullPointerException if an argument is null
   */
  public static ParmapMetrics on(MeterRegistry registry, String name) {
    return new ParmapMetrics(
        Objects.requireNonNull(registry, "registry must not be null"),
        Objects.requireNonNull(name, "name must not be null"));
  }

  /**
   * Turns the recorder on in {@code options}: sets it as their {@linkplain
   * MapOptions.Builder#listener listener} (replacing any other) and adds it to their {@linkplain
   * MapOptions.Builder#propagate propagators} (after those already given).
   *
   * @param options the options to record the calls of
   * @return {@code options}, for chaining
   * @throws NullPointerException if {@code options} is null
   */
  public MapOptions.Builder addTo(MapOptions.Builder options) {
    return options.listener(this).propagate(this);
  }

  /**
   * A call is starting: looks up (registering if needed) the meters of its kind and pool, and
   * returns the observer that records the call alone.
   *
   * @param call which call, on which pool
   * @return the call's observer
   */
  @Override
  public CallObserver onStart(CallInfo call) {
    return new CallMetrics(registry, name, call);
  }

  /**
   * Runs on the calling thread when a call is made; what it returns counts the call's items in
   * flight, around each chunk on the pool thread. It carries no context.
   *
   * @return a snapshot that counts
   */
  @Override
  public Snapshot capture() {
    return counting;
  }

  /**
   * The recorder in a few words.
   *
   * @return e.g. {@code "ParmapMetrics[fetch]"}
   */
  @Override
  public String toString() {
    return "ParmapMetrics[" + name + "]";
  }
}
