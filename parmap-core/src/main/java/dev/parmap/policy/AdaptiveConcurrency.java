package dev.parmap.policy;

import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Lets a call find the concurrency a server can take instead of a fixed guess: it starts low, grows
 * while answers come back as fast as before, and backs off when an attempt times out, when its
 * latency grows past a tolerance, or when it fails with what {@link Builder#overloadIf} calls
 * overload (an HTTP 429 or 503, say); always between a floor and a ceiling.
 *
 * <p>The algorithm is AIMD, additive increase and multiplicative decrease, as TCP congestion
 * control (V. Jacobson, "Congestion Avoidance and Control", SIGCOMM 1988) and Netflix's
 * concurrency-limits library ({@code AIMDLimit}) use it: until the first overload the limit grows
 * by one per answer (it doubles per round trip, TCP's slow start); after that by one per round trip
 * ({@code 1 / limit} per answer); on overload it is multiplied by {@link #backoffRatio()} (halved
 * at the first overload, which ends slow start, as TCP does), at most once per round trip, so that
 * a burst of overload answers counts as one signal. Latency is read as TCP Vegas reads it: an
 * answer slower than {@link #latencyTolerance()} times the fastest recent one means requests are
 * queueing at the server, which is overload too.
 *
 * <p>It applies to each attempt of each item (retries included) and composes with the other
 * policies: the {@linkplain Retry retry}'s waits hold no concurrency, the {@linkplain RateLimit
 * rate limit} spaces the starts, and a {@linkplain dev.parmap.MapOptions#timeout() timeout} counts
 * as overload. The pool's own concurrency and {@link dev.parmap.MapOptions#maxConcurrency()} still
 * bound it from above.
 *
 * <pre>{@code
 * AdaptiveConcurrency adaptive =
 *     AdaptiveConcurrency.builder()
 *         .initial(4)
 *         .max(200)
 *         .overloadIf(e -> e instanceof HttpStatusException h && h.status() >= 429)
 *         .build();
 * MapOptions options = MapOptions.builder().adaptiveConcurrency(adaptive).build();
 * }</pre>
 *
 * <p><b>Sharing.</b> Each call has a limit of its own, learned from scratch. {@link #shared()}
 * returns a limit whose state is shared by every call given that object, on any pool: calls toward
 * one server then split one budget instead of each finding its own.
 *
 * <p><b>Equality.</b> Limits that are not shared are values: equal when every setting is (the
 * overload predicate by its own {@code equals}). A shared limit is equal only to itself.
 *
 * @since 0.2
 */
public final class AdaptiveConcurrency {
  private static final Predicate<Throwable> NEVER =
      new Predicate<>() {
        @Override
        public boolean test(Throwable e) {
          return false;
        }

        @Override
        public String toString() {
          return "timeouts only";
        }
      };

  private final int initial;
  private final int min;
  private final int max;
  private final double backoffRatio;
  private final double latencyTolerance;
  private final Predicate<? super Throwable> overloadIf;
  private final boolean shared;

  private AdaptiveConcurrency(Builder builder, boolean shared) {
    this.initial = builder.initial;
    this.min = builder.min;
    this.max = builder.max;
    this.backoffRatio = builder.backoffRatio;
    this.latencyTolerance = builder.latencyTolerance;
    this.overloadIf = builder.overloadIf;
    this.shared = shared;
  }

  /**
   * A builder with the defaults: initial 4, min 1, max 1,000, backoff ratio 0.9, latency tolerance
   * 2.0, overload on timeouts only.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this limit's settings (a limit built from it is not shared).
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.initial = initial;
    builder.min = min;
    builder.max = max;
    builder.backoffRatio = backoffRatio;
    builder.latencyTolerance = latencyTolerance;
    builder.overloadIf = overloadIf;
    return builder;
  }

  /**
   * A limit with these settings whose state (the current limit, the attempts in flight) is shared
   * by every call given the returned object, on any pool.
   *
   * @return a new shared limit, equal only to itself
   */
  public AdaptiveConcurrency shared() {
    return new AdaptiveConcurrency(toBuilder(), true);
  }

  /**
   * Whether the calls given this object share its state.
   *
   * @return true for a limit made by {@link #shared()}
   */
  public boolean isShared() {
    return shared;
  }

  /**
   * The limit a call starts with.
   *
   * @return between {@link #min()} and {@link #max()}
   */
  public int initial() {
    return initial;
  }

  /**
   * The floor: the limit never goes below it.
   *
   * @return at least 1
   */
  public int min() {
    return min;
  }

  /**
   * The ceiling: the limit never goes above it.
   *
   * @return at least {@link #min()}
   */
  public int max() {
    return max;
  }

  /**
   * What the limit is multiplied by on overload.
   *
   * @return in (0, 1)
   */
  public double backoffRatio() {
    return backoffRatio;
  }

  /**
   * How many times the fastest recent latency an answer may take before it counts as overload.
   *
   * @return greater than 1
   */
  public double latencyTolerance() {
    return latencyTolerance;
  }

  /**
   * Which failures mean overload (timeouts always do).
   *
   * @return the predicate
   */
  public Predicate<? super Throwable> overloadIf() {
    return overloadIf;
  }

  /**
   * Whether {@code other} has the same settings (not shared), or is this very limit (shared).
   *
   * @param other the object to compare with
   * @return whether the two are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    if (shared || !(other instanceof AdaptiveConcurrency that) || that.shared) {
      return this == other;
    }
    return initial == that.initial
        && min == that.min
        && max == that.max
        && Double.compare(backoffRatio, that.backoffRatio) == 0
        && Double.compare(latencyTolerance, that.latencyTolerance) == 0
        && overloadIf.equals(that.overloadIf);
  }

  @Override
  public int hashCode() {
    return shared
        ? System.identityHashCode(this)
        : Objects.hash(initial, min, max, backoffRatio, latencyTolerance, overloadIf);
  }

  /**
   * Every setting, for example {@code AdaptiveConcurrency[initial=4, min=1, max=1000,
   * backoffRatio=0.9, latencyTolerance=2.0, overloadIf=timeouts only]}, with {@code , shared} at
   * the end for a shared limit.
   *
   * @return a description of this limit
   */
  @Override
  public String toString() {
    return "AdaptiveConcurrency[initial="
        + initial
        + ", min="
        + min
        + ", max="
        + max
        + ", backoffRatio="
        + backoffRatio
        + ", latencyTolerance="
        + latencyTolerance
        + ", overloadIf="
        + overloadIf
        + (shared ? ", shared]" : "]");
  }

  /** Builds an {@link AdaptiveConcurrency}. Not thread-safe. */
  public static final class Builder {
    private int initial = 4;
    private int min = 1;
    private int max = 1000;
    private double backoffRatio = 0.9;
    private double latencyTolerance = 2.0;
    private Predicate<? super Throwable> overloadIf = NEVER;

    private Builder() {}

    /**
     * The limit a call starts with; 4 by default.
     *
     * @param initial at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code initial < 1}
     */
    public Builder initial(int initial) {
      this.initial = atLeastOne(initial, "initial");
      return this;
    }

    /**
     * The floor; 1 by default.
     *
     * @param min at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code min < 1}
     */
    public Builder min(int min) {
      this.min = atLeastOne(min, "min");
      return this;
    }

    /**
     * The ceiling; 1,000 by default.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     */
    public Builder max(int max) {
      this.max = atLeastOne(max, "max");
      return this;
    }

    /**
     * What the limit is multiplied by on overload; 0.9 by default.
     *
     * @param backoffRatio greater than 0 and less than 1
     * @return this builder
     * @throws IllegalArgumentException if it is not in (0, 1)
     */
    public Builder backoffRatio(double backoffRatio) {
      if (!(backoffRatio > 0 && backoffRatio < 1)) {
        throw new IllegalArgumentException(
            "backoffRatio must be greater than 0 and less than 1, but was " + backoffRatio);
      }
      this.backoffRatio = backoffRatio;
      return this;
    }

    /**
     * How many times the fastest recent latency an answer may take before it counts as overload;
     * 2.0 by default. {@link Double#POSITIVE_INFINITY} ignores latency.
     *
     * @param latencyTolerance greater than 1
     * @return this builder
     * @throws IllegalArgumentException if it is not greater than 1
     */
    public Builder latencyTolerance(double latencyTolerance) {
      if (!(latencyTolerance > 1)) {
        throw new IllegalArgumentException(
            "latencyTolerance must be greater than 1, but was " + latencyTolerance);
      }
      this.latencyTolerance = latencyTolerance;
      return this;
    }

    /**
     * Which failures of an attempt mean that the server is overloaded, for example an HTTP 429 or
     * 503 answer; timeouts always do. Runs on the thread of the attempt; it must not throw.
     *
     * @param overloadIf the classifier
     * @return this builder
     */
    public Builder overloadIf(Predicate<? super Throwable> overloadIf) {
      this.overloadIf = Objects.requireNonNull(overloadIf, "overloadIf must not be null");
      return this;
    }

    /**
     * The limit.
     *
     * @return a new limit, not shared (see {@link AdaptiveConcurrency#shared()})
     * @throws IllegalArgumentException if {@code min > max}, or {@code initial} is not between them
     */
    public AdaptiveConcurrency build() {
      if (min > max) {
        throw new IllegalArgumentException(
            "min must not be greater than max, but min was " + min + " and max " + max);
      }
      if (initial < min || initial > max) {
        throw new IllegalArgumentException(
            "initial must be between min and max (" + min + ".." + max + "), but was " + initial);
      }
      return new AdaptiveConcurrency(this, false);
    }

    private static int atLeastOne(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
      }
      return value;
    }
  }
}
