package dev.parmap.observe;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A call's progress at one moment.
 *
 * <p>An immutable value; new accessors may be added in later versions. The engine makes them;
 * {@link #builder} makes one for a test of an observer.
 *
 * @since 0.1
 */
public final class Progress {
  private final long total;
  private final long done;
  private final long failed;
  private final long retried;
  private final Duration elapsed;

  private Progress(Builder builder) {
    this.total = builder.total;
    this.done = builder.done;
    this.failed = builder.failed;
    this.retried = builder.retried;
    this.elapsed = builder.elapsed;
  }

  /**
   * A builder: an unknown total, zero counts and no time elapsed until set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The number of items.
   *
   * @return the number, or -1 when the input's size is unknown
   */
  public long total() {
    return total;
  }

  /**
   * Items that finished, successfully or not.
   *
   * @return at least 0
   */
  public long done() {
    return done;
  }

  /**
   * Items that failed (their last attempt threw).
   *
   * @return at most {@link #done()}
   */
  public long failed() {
    return failed;
  }

  /**
   * Attempts beyond the first, over all items.
   *
   * @return at least 0
   */
  public long retried() {
    return retried;
  }

  /**
   * Time since the call started.
   *
   * @return not negative
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Items finished per second so far.
   *
   * @return the rate, 0 before any time has passed
   */
  public double itemsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? done / seconds : 0;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Progress that
        && total == that.total
        && done == that.done
        && failed == that.failed
        && retried == that.retried
        && elapsed.equals(that.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(total, done, failed, retried, elapsed);
  }

  @Override
  public String toString() {
    return "Progress["
        + done
        + "/"
        + (total >= 0 ? String.valueOf(total) : "?")
        + ", failed="
        + failed
        + ", retried="
        + retried
        + ", elapsed="
        + elapsed
        + "]";
  }

  /** Builds a {@link Progress}. Not thread-safe; what it builds is. */
  public static final class Builder {
    private long total = -1;
    private long done;
    private long failed;
    private long retried;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * The number of items.
     *
     * @param total at least 0, or -1 (unknown, the default)
     * @return this builder
     */
    public Builder total(long total) {
      this.total = total;
      return this;
    }

    /**
     * The counts so far.
     *
     * @param done items finished, successfully or not
     * @param failed items failed
     * @param retried attempts beyond the first
     * @return this builder
     */
    public Builder counts(long done, long failed, long retried) {
      this.done = done;
      this.failed = failed;
      this.retried = retried;
      return this;
    }

    /**
     * Time since the call started.
     *
     * @param elapsed not null
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = Objects.requireNonNull(elapsed, "elapsed must not be null");
      return this;
    }

    /**
     * Builds the value.
     *
     * @return a new {@link Progress}
     */
    public Progress build() {
      return new Progress(this);
    }
  }
}
