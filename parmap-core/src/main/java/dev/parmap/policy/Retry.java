package dev.parmap.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How often an item is attempted, how long to wait between attempts, and which failures are worth
 * another attempt. An immutable value, made with a {@link #builder()}:
 *
 * <pre>{@code
 * Retry retry = Retry.builder()
 *     .maxAttempts(4)                                          // 1 try + 3 retries
 *     .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))  // 100 ms, 200 ms, 400 ms...
 *     .retryOn(IOException.class, TimeoutException.class)
 *     .build();
 * }</pre>
 *
 * <p><b>Backoff.</b> Before attempt {@code k} (k ≥ 2) the item waits {@code initial × multiplier^(k
 * - 2)}, at most {@code max}, minus a random part of up to {@code jitter} of that (so that many
 * items failing together do not retry together). The defaults are 100 ms initial, 10 s max,
 * multiplier 2 and jitter 0.5. The wait is interruptible: a call that stops (fail fast, deadline,
 * cancellation) does not wait for it. Any length is accepted; a wait longer than {@link
 * Long#MAX_VALUE} nanoseconds (about 292 years, e.g. {@code Duration.ofMillis(Long.MAX_VALUE)} as
 * "forever") is counted as that long, which in practice means until the call stops.
 *
 * <p><b>What is retried.</b> By default every {@link Exception}; never an {@link Error}. {@link
 * Builder#retryOn} and {@link Builder#retryIf} narrow it. The interruption parmap itself causes
 * when it stops a call is never retried.
 *
 * <p><b>Equality.</b> Two policies are equal when every component is: the attempts, both backoff
 * durations, the multiplier, the jitter, and what is retried. Policies narrowed by {@link
 * Builder#retryOn} compare the exception types (in order); a predicate given to {@link
 * Builder#retryIf} is compared with its own {@code equals}, for a lambda its identity. {@link
 * #toString()} shows every component, for example {@code Retry[maxAttempts=4, backoff=PT0.1S..PT5S
 * x2, jitter=0.5, retryOn=[IOException, TimeoutException]]}.
 *
 * @since 0.1
 */
public final class Retry {
  private static final Retry NONE = new Builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;
  private final Retryable retryable;
  private final @Nullable Function<? super Exception, Optional<Duration>> delayFrom;

  private Retry(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialDelay = builder.initialDelay;
    this.maxDelay = builder.maxDelay;
    this.multiplier = builder.multiplier;
    this.jitter = builder.jitter;
    this.retryable = builder.retryable;
    this.delayFrom = builder.delayFrom;
  }

  /**
   * No retry: each item is attempted once. The default of every call.
   *
   * @return the policy of a single attempt (with the default backoff, which it never uses)
   */
  public static Retry none() {
    return NONE;
  }

  /**
   * A builder that starts from 3 attempts, the default backoff, and every {@link Exception}
   * retried.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this policy.
   *
   * @return a new builder holding these values
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxAttempts = maxAttempts;
    builder.initialDelay = initialDelay;
    builder.maxDelay = maxDelay;
    builder.multiplier = multiplier;
    builder.jitter = jitter;
    builder.retryable = retryable;
    builder.delayFrom = delayFrom;
    return builder;
  }

  /**
   * The most attempts per item, the first one included.
   *
   * @return at least 1; 1 means no retry
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The wait before the second attempt.
   *
   * @return zero or positive, at most {@link #maxDelay()}
   */
  public Duration initialDelay() {
    return initialDelay;
  }

  /**
   * The longest wait between two attempts, before jitter.
   *
   * @return at least {@link #initialDelay()}
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * The growth factor between consecutive waits.
   *
   * @return finite, at least 1 (1 means a constant wait)
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * The largest fraction by which a wait is randomly shortened.
   *
   * @return between 0 (no jitter) and 1
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Which exceptions are worth another attempt (attempts left permitting). An {@link Error} is
   * never retried, whatever this says.
   *
   * @return the predicate; by default one that accepts every exception
   */
  public Predicate<Exception> retryable() {
    return retryable;
  }

  /**
   * The function that reads the wait before a retry from the failure, if one was set with {@link
   * Builder#delayFrom}.
   *
   * @return the function, or empty: the backoff decides every wait
   */
  public Optional<Function<? super Exception, Optional<Duration>>> delayFrom() {
    return Optional.ofNullable(delayFrom);
  }

  /**
   * Whether {@code other} is a {@code Retry} with equal components (see the class description).
   *
   * @param other the object to compare with
   * @return whether the two policies are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Retry that
        && maxAttempts == that.maxAttempts
        && initialDelay.equals(that.initialDelay)
        && maxDelay.equals(that.maxDelay)
        && Double.compare(multiplier, that.multiplier) == 0
        && Double.compare(jitter, that.jitter) == 0
        && retryable.equals(that.retryable)
        && Objects.equals(delayFrom, that.delayFrom);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxAttempts, initialDelay, maxDelay, multiplier, jitter, retryable, delayFrom);
  }

  /**
   * Every component, for example {@code Retry[maxAttempts=4, backoff=PT0.1S..PT5S x2, jitter=0.5,
   * retryOn=[IOException]]}.
   *
   * @return a description of this policy
   */
  @Override
  public String toString() {
    String factor =
        multiplier == Math.rint(multiplier) ? Long.toString((long) multiplier) : "" + multiplier;
    return "Retry[maxAttempts="
        + maxAttempts
        + ", backoff="
        + initialDelay
        + ".."
        + maxDelay
        + " x"
        + factor
        + ", jitter="
        + jitter
        + ", "
        + retryable
        + (delayFrom == null ? "" : ", delayFrom=" + delayFrom)
        + "]";
  }

  /** What is retried: a value, so that policies can be compared. */
  private sealed interface Retryable extends Predicate<Exception> {}

  /** Instances of one of {@code types}. */
  private record OnTypes(List<Class<? extends Exception>> types) implements Retryable {
    @Override
    public boolean test(Exception e) {
      for (Class<? extends Exception> type : types) {
        if (type.isInstance(e)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return types.stream()
          .map(Class::getSimpleName)
          .collect(Collectors.joining(", ", "retryOn=[", "]"));
    }
  }

  /** What the user's predicate accepts; compared with the predicate's own equals. */
  private record If(Predicate<? super Exception> predicate) implements Retryable {
    @Override
    public boolean test(Exception e) {
      return predicate.test(e);
    }

    @Override
    public String toString() {
      return "retryIf=" + predicate;
    }
  }

  /**
   * Builds a {@link Retry}. Each setter replaces what an earlier call of it set ({@link #retryOn}
   * and {@link #retryIf} replace each other). Not thread-safe; the policies it builds are.
   */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialDelay = Duration.ofMillis(100);
    private Duration maxDelay = Duration.ofSeconds(10);
    private double multiplier = 2.0;
    private double jitter = 0.5;
    private Retryable retryable = new OnTypes(List.of(Exception.class));
    private @Nullable Function<? super Exception, Optional<Duration>> delayFrom;

    private Builder() {}

    /**
     * Up to {@code attempts} attempts per item, the first one included; 3 unless set.
     *
     * @param attempts the most attempts per item, at least 1 (1: no retry)
     * @return this builder
     * @throws IllegalArgumentException if {@code attempts < 1}
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1, but was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * An exponential backoff from {@code initial} up to {@code max}; 100 ms to 10 s unless set.
     *
     * @param initial the wait before the second attempt; zero for none
     * @param max the longest wait, at least {@code initial}; any length (see the class description
     *     for "forever")
     * @return this builder
     * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
     */
    public Builder backoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial must not be null");
      Objects.requireNonNull(max, "max must not be null");
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff needs 0 <= initial <= max, but was initial=" + initial + ", max=" + max);
      }
      this.initialDelay = initial;
      this.maxDelay = max;
      return this;
    }

    /**
     * The growth factor between consecutive waits; 2 unless set.
     *
     * @param factor at least 1 (1 means a constant wait)
     * @return this builder
     * @throws IllegalArgumentException if {@code factor < 1} or not finite
     */
    public Builder multiplier(double factor) {
      if (!(factor >= 1) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException(
            "multiplier must be finite and at least 1, but was " + factor);
      }
      this.multiplier = factor;
      return this;
    }

    /**
     * Shortens each wait by a random part of up to this fraction of it; 0.5 unless set.
     *
     * @param fraction between 0 (no jitter) and 1
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1]
     */
    public Builder jitter(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, but was " + fraction);
      }
      this.jitter = fraction;
      return this;
    }

    /**
     * Retries only failures that are instances of one of {@code types}.
     *
     * @param types the exception types worth another attempt; at least one
     * @return this builder
     * @throws IllegalArgumentException if no type is given
     */
    @SafeVarargs
    public final Builder retryOn(Class<? extends Exception>... types) {
      List<Class<? extends Exception>> list = List.of(types);
      if (list.isEmpty()) {
        throw new IllegalArgumentException("retryOn needs at least one exception type");
      }
      this.retryable = new OnTypes(list);
      return this;
    }

    /**
     * Retries only failures that {@code predicate} accepts.
     *
     * @param predicate decides, for an attempt's exception, whether to try again
     * @return this builder
     */
    public Builder retryIf(Predicate<? super Exception> predicate) {
      this.retryable = new If(Objects.requireNonNull(predicate, "predicate must not be null"));
      return this;
    }

    /**
     * Lets the failure say how long to wait before the next attempt, as a server does with the
     * {@code Retry-After} of an HTTP 429 or 503: when {@code delay} returns a duration for an
     * attempt's exception, that is the wait before the next attempt, instead of the backoff (no
     * jitter and no maximum: the server knows best); when it returns empty, the backoff applies.
     * The wait never runs past the call's {@linkplain dev.parmap.MapOptions#deadline() deadline}:
     * an item whose next attempt could only start after the deadline ends at once, with that
     * failure. A negative duration counts as zero.
     *
     * <pre>{@code
     * Retry.builder()
     *     .maxAttempts(5)
     *     .retryOn(TooManyRequests.class, ServiceUnavailable.class)
     *     .delayFrom(e -> e instanceof HttpStatusException h ? h.retryAfter() : Optional.empty())
     *     .build();
     * }</pre>
     *
     * @param delay reads the wait from an attempt's exception; called on the item's thread, it must
     *     not throw (an exception it throws fails the item)
     * @return this builder
     */
    public Builder delayFrom(Function<? super Exception, Optional<Duration>> delay) {
      this.delayFrom = Objects.requireNonNull(delay, "delay must not be null");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return an immutable value
     */
    public Retry build() {
      return new Retry(this);
    }
  }
}
