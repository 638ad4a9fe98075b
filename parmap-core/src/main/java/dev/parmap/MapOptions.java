package dev.parmap;

import dev.parmap.engine.CallOptions;
import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.FailureBudget;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The policies of a call: per-item timeout, overall deadline, retry, rate limit and maximum
 * concurrency. An immutable value: build it once and reuse it; apply it with {@link
 * Pool#with(MapOptions)}.
 *
 * <pre>{@code
 * MapOptions options = MapOptions.builder()
 *     .timeout(Duration.ofSeconds(2))                  // per attempt
 *     .retry(Retry.builder().maxAttempts(3).retryOn(IOException.class, TimeoutException.class).build())
 *     .rateLimit(RateLimit.of(50, Duration.ofSeconds(1)))
 *     .maxConcurrency(16)
 *     .deadline(Duration.ofMinutes(1))                 // for the whole call
 *     .build();
 * try (Pool pool = Pool.virtual().with(options)) {
 *     Outcomes<String, Page> outcomes = pool.mapOutcomes(urls, Http::get);
 * }
 * }</pre>
 *
 * <h2>How the policies combine</h2>
 *
 * <ul>
 *   <li><b>Timeout</b> is per attempt: an attempt that runs longer is interrupted and fails with a
 *       {@link java.util.concurrent.TimeoutException} (whose cause is what the task threw when
 *       interrupted, if anything). If the retry policy accepts a {@code TimeoutException}, the item
 *       is attempted again with a fresh timeout.
 *   <li><b>Retry</b> decides per failure; the waits between attempts follow its backoff. The
 *       attempts of an item are all visible in its failure ({@link TaskFailedException#attempts()},
 *       {@link TaskFailedException#attemptFailures()}, {@link Outcome#attempts()}). An item that
 *       succeeds on a later attempt is a success.
 *   <li><b>Rate limit</b> spaces every attempt's start, retries included, across all the threads of
 *       the call. It is waited for inside the item's time, before its timeout starts.
 *   <li><b>Deadline</b> bounds the whole call, retries and backoff included: when it passes, no
 *       further attempt starts, running ones are interrupted and awaited, and the call throws
 *       {@link DeadlineExceededException} (or, for outcomes, reports the unfinished items as
 *       failures with that cause). The running items are interrupted on time whatever the calling
 *       thread is doing (a virtual thread of the call watches the clock, and ends with it); only
 *       the call's own return waits while the calling thread is inside the input's {@code
 *       hasNext()} or {@code next()}.
 *   <li><b>Max concurrency</b> bounds the items of this call running at once, below whatever the
 *       pool allows.
 * </ul>
 *
 * Fail fast stays the rule for {@code map}, {@code forEach} and {@code stream}: an item whose last
 * attempt fails stops the call. {@link Pool#mapOutcomes} and {@link Pool#streamOutcomes} instead
 * report one {@link Outcome} per item.
 *
 * <h2>"Forever"</h2>
 *
 * Every positive {@link Duration} is accepted. One longer than {@link Long#MAX_VALUE} nanoseconds
 * (about 292 years), such as {@code Duration.ofMillis(Long.MAX_VALUE)} or {@code
 * Duration.ofDays(365_000)}, the usual ways of writing "forever", is counted as that long, which in
 * practice means no bound: a timeout or deadline that never passes, a cancellation grace that waits
 * for the tasks however long they take, no progress event but the final one. The same holds for the
 * durations of {@link RateLimit} and {@link Retry}.
 *
 * <h2>Equality</h2>
 *
 * Options are values: two are {@linkplain #equals equal} when every option is, durations, {@link
 * Retry} and {@link RateLimit} by value. The listener and the propagators are compared with their
 * own {@code equals}, which for most of them is identity: options that report to two different
 * listener objects are not equal, even if the listeners are alike, since they would not report to
 * the same place. Propagators compare as a list, in order. {@link #toString()} shows every option.
 *
 * @since 0.1
 */
public final class MapOptions {
  private static final MapOptions DEFAULTS = new Builder().build();

  private final @Nullable Duration timeout;
  private final @Nullable Duration deadline;
  private final Retry retry;
  private final @Nullable RateLimit rateLimit;
  private final @Nullable AdaptiveConcurrency adaptiveConcurrency;
  private final int maxConcurrency;
  private final Duration cancellationGrace;
  private final @Nullable ProgressListener listener;
  private final Duration progressInterval;
  private final List<ContextPropagator> propagators;
  private final @Nullable FailureBudget failureBudget;

  private MapOptions(Builder builder) {
    this.listener = builder.listener;
    this.progressInterval = builder.progressInterval;
    this.propagators = List.copyOf(builder.propagators);
    this.failureBudget = builder.failureBudget;
    this.timeout = builder.timeout;
    this.deadline = builder.deadline;
    this.retry = builder.retry;
    this.rateLimit = builder.rateLimit;
    this.adaptiveConcurrency = builder.adaptiveConcurrency;
    this.maxConcurrency = builder.maxConcurrency;
    this.cancellationGrace = builder.cancellationGrace;
  }

  /**
   * No policies: one attempt per item, no time limits, the pool's concurrency. What every call uses
   * unless told otherwise.
   *
   * @return the default options
   */
  public static MapOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from these options.
   *
   * @return a new builder holding these values
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.timeout = timeout;
    builder.deadline = deadline;
    builder.retry = retry;
    builder.rateLimit = rateLimit;
    builder.adaptiveConcurrency = adaptiveConcurrency;
    builder.failureBudget = failureBudget;
    builder.maxConcurrency = maxConcurrency;
    builder.cancellationGrace = cancellationGrace;
    builder.listener = listener;
    builder.progressInterval = progressInterval;
    builder.propagators.addAll(propagators);
    return builder;
  }

  /**
   * The longest an attempt may run.
   *
   * @return the timeout per attempt, if any
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * The longest the whole call may run.
   *
   * @return the deadline, counted from the start of each call (for a result stream: from its
   *     creation), if any
   */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * The retry policy.
   *
   * @return the policy; {@link Retry#none()} by default
   */
  public Retry retry() {
    return retry;
  }

  /**
   * The rate limit on attempt starts.
   *
   * @return the limit, if any
   */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * The adaptive concurrency limit, if any.
   *
   * @return the limit, or empty for none
   */
  public Optional<AdaptiveConcurrency> adaptiveConcurrency() {
    return Optional.ofNullable(adaptiveConcurrency);
  }

  /**
   * The failure budget of the calls that report outcomes, if any.
   *
   * @return the budget, or empty for none (every item runs, whatever fails)
   */
  public Optional<FailureBudget> failureBudget() {
    return Optional.ofNullable(failureBudget);
  }

  /**
   * The most items of one call running at once.
   *
   * @return the limit, if any (otherwise the pool's)
   */
  public OptionalInt maxConcurrency() {
    return maxConcurrency > 0 ? OptionalInt.of(maxConcurrency) : OptionalInt.empty();
  }

  /**
   * How long a stopping call waits for its tasks to end, since the last one ended, before it gives
   * up on those that ignore interruption.
   *
   * @return the grace period; 30 s by default
   */
  public Duration cancellationGrace() {
    return cancellationGrace;
  }

  /**
   * The listener that follows each call.
   *
   * @return the listener, if any
   */
  public Optional<ProgressListener> listener() {
    return Optional.ofNullable(listener);
  }

  /**
   * The least time between two progress events.
   *
   * @return 100 ms by default
   */
  public Duration progressInterval() {
    return progressInterval;
  }

  /**
   * What carries the caller's context into the tasks, in the order they apply.
   *
   * @return the propagators; empty by default
   */
  public List<ContextPropagator> propagators() {
    return propagators;
  }

  /** Whether any policy changes how items run (the engine's fast path otherwise). */
  /** These options as the engine reads them. */
  CallOptions forEngine() {
    return new CallOptions(
        timeout,
        deadline,
        retry,
        rateLimit,
        adaptiveConcurrency,
        maxConcurrency > 0 ? maxConcurrency : Integer.MAX_VALUE,
        cancellationGrace,
        listener,
        progressInterval,
        propagators,
        failureBudget);
  }

  /**
   * Whether {@code other} holds the same options: equal durations, retry and rate limit policies
   * and concurrency, and the same listener and propagators (see the class description).
   *
   * @param other the object to compare with
   * @return whether the two are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof MapOptions that
        && Objects.equals(timeout, that.timeout)
        && Objects.equals(deadline, that.deadline)
        && retry.equals(that.retry)
        && Objects.equals(rateLimit, that.rateLimit)
        && Objects.equals(adaptiveConcurrency, that.adaptiveConcurrency)
        && maxConcurrency == that.maxConcurrency
        && cancellationGrace.equals(that.cancellationGrace)
        && Objects.equals(listener, that.listener)
        && progressInterval.equals(that.progressInterval)
        && propagators.equals(that.propagators)
        && Objects.equals(failureBudget, that.failureBudget);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        timeout,
        deadline,
        retry,
        rateLimit,
        adaptiveConcurrency,
        maxConcurrency,
        cancellationGrace,
        listener,
        progressInterval,
        propagators,
        failureBudget);
  }

  /**
   * Every option, for example {@code MapOptions[timeout=PT2S, deadline=none,
   * retry=Retry[maxAttempts=3, ...], rateLimit=none, adaptiveConcurrency=none,
   * maxConcurrency=pool's, cancellationGrace=PT30S, listener=none, progressInterval=PT0.1S,
   * propagators=[], failureBudget=none]}; the listener and propagators as their own {@code
   * toString} says.
   *
   * @return a description of these options
   */
  @Override
  public String toString() {
    return "MapOptions[timeout="
        + orNone(timeout)
        + ", deadline="
        + orNone(deadline)
        + ", retry="
        + retry
        + ", rateLimit="
        + orNone(rateLimit)
        + ", adaptiveConcurrency="
        + orNone(adaptiveConcurrency)
        + ", maxConcurrency="
        + (maxConcurrency > 0 ? maxConcurrency : "pool's")
        + ", cancellationGrace="
        + cancellationGrace
        + ", listener="
        + orNone(listener)
        + ", progressInterval="
        + progressInterval
        + ", propagators="
        + propagators
        + ", failureBudget="
        + orNone(failureBudget)
        + "]";
  }

  private static String orNone(@Nullable Object value) {
    return value == null ? "none" : value.toString();
  }

  /** Builds {@link MapOptions}. Not thread-safe; the options it builds are. */
  public static final class Builder {
    private @Nullable Duration timeout;
    private @Nullable Duration deadline;
    private Retry retry = Retry.none();
    private @Nullable RateLimit rateLimit;
    private @Nullable AdaptiveConcurrency adaptiveConcurrency;
    private @Nullable FailureBudget failureBudget;
    private int maxConcurrency;
    private Duration cancellationGrace = Duration.ofSeconds(30);
    private @Nullable ProgressListener listener;
    private Duration progressInterval = Duration.ofMillis(100);
    private final List<ContextPropagator> propagators = new ArrayList<>();

    private Builder() {}

    /**
     * Interrupts an attempt that runs longer than {@code timeout}.
     *
     * @param timeout positive; 292 years or more (e.g. {@code Duration.ofMillis(Long.MAX_VALUE)})
     *     means no timeout
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Ends the call when {@code deadline} has passed since it started.
     *
     * @param deadline positive; 292 years or more (e.g. {@code Duration.ofMillis(Long.MAX_VALUE)})
     *     means no deadline
     * @return this builder
     * @throws IllegalArgumentException if {@code deadline} is not positive
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * Attempts failed items again, as {@code retry} says.
     *
     * @param retry the policy
     * @return this builder
     */
    public Builder retry(Retry retry) {
      this.retry = Objects.requireNonNull(retry, "retry must not be null");
      return this;
    }

    /**
     * Spaces the starts of attempts.
     *
     * @param rateLimit the limit
     * @return this builder
     */
    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit must not be null");
      return this;
    }

    /**
     * Lets the call find the concurrency the server can take: see {@link AdaptiveConcurrency}.
     * Composes with the other options: the retry's waits hold no concurrency, the rate limit spaces
     * the starts, a timeout counts as overload, and {@link #maxConcurrency} and the pool's own
     * concurrency still bound it from above.
     *
     * @param adaptiveConcurrency the adaptive limit
     * @return this builder
     */
    public Builder adaptiveConcurrency(AdaptiveConcurrency adaptiveConcurrency) {
      this.adaptiveConcurrency =
          Objects.requireNonNull(adaptiveConcurrency, "adaptiveConcurrency must not be null");
      return this;
    }

    /**
     * Lets a call that reports outcomes stop once more items failed than {@code failureBudget}
     * allows, instead of running every item whatever fails: see {@link FailureBudget}. The calls
     * that fail fast ({@code map}, {@code forEach}, {@code stream}, ...) stop at their first
     * failure whatever the budget.
     *
     * @param failureBudget the budget
     * @return this builder
     */
    public Builder failureBudget(FailureBudget failureBudget) {
      this.failureBudget = Objects.requireNonNull(failureBudget, "failureBudget must not be null");
      return this;
    }

    /**
     * Runs at most {@code maxConcurrency} items of a call at once.
     *
     * @param maxConcurrency at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     */
    public Builder maxConcurrency(int maxConcurrency) {
      Pool.positive(maxConcurrency, "maxConcurrency");
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * How long a stopping call waits for tasks that ignore interruption. Java cannot kill a thread:
     * when this passes, the call gives up on such a task and throws a {@link ParmapException}
     * naming the item and showing its thread's stack trace; that thread is then still running, the
     * one exception to "nothing left behind" (though {@link Pool#close()} waits for it).
     *
     * @param grace positive; 292 years or more (e.g. {@code Duration.ofMillis(Long.MAX_VALUE)})
     *     means waiting until the tasks end, however long that takes
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is not positive
     */
    public Builder cancellationGrace(Duration grace) {
      this.cancellationGrace = positive(grace, "cancellationGrace");
      return this;
    }

    /**
     * Follows each call with {@code listener}: progress, chunk events, statistics.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ProgressListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * The least time between two progress events.
     *
     * @param interval positive; 292 years or more (e.g. {@code Duration.ofMillis(Long.MAX_VALUE)})
     *     means no progress event but the final one
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder progressInterval(Duration interval) {
      this.progressInterval = positive(interval, "progressInterval");
      return this;
    }

    /**
     * Carries context captured by {@code propagator} on the calling thread into every task (added
     * after those already given; they apply in order and are undone in reverse order).
     *
     * @param propagator the propagator
     * @return this builder
     */
    public Builder propagate(ContextPropagator propagator) {
      propagators.add(Objects.requireNonNull(propagator, "propagator must not be null"));
      return this;
    }

    /**
     * Builds the options.
     *
     * @return an immutable value
     */
    public MapOptions build() {
      return new MapOptions(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + value);
      }
      return value;
    }
  }
}
