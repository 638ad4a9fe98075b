package dev.parmap.observe;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a call is, as its {@link ProgressListener} learns it when the call starts: which operation,
 * on which pool, over how many items.
 *
 * <p>An immutable value; new accessors may be added in later versions. The engine makes one per
 * call; {@link #builder} makes one for a test of a listener.
 *
 * @since 0.1
 */
public final class CallInfo {
  private final String what;
  private final String pool;
  private final long total;

  private CallInfo(Builder builder) {
    this.what = builder.what;
    this.pool = builder.pool;
    this.total = builder.total;
  }

  /**
   * A builder, for tests of listeners; the engine makes the call's own.
   *
   * @param what which operation, e.g. {@code "Pool.map"}
   * @return a builder with an empty pool description and an unknown total
   * @throws NullPointerException if {@code what} is null
   */
  public static Builder builder(String what) {
    return new Builder(what);
  }

  /**
   * Which operation the call is.
   *
   * @return e.g. {@code "Pool.map"}, {@code "Pool.stream"}, {@code "Pool.forEach"}
   */
  public String what() {
    return what;
  }

  /**
   * The pool the call runs on, as the pool describes itself without its options.
   *
   * @return e.g. {@code "Pool.virtual(8)"} or {@code "Pool.threads(4)"}
   */
  public String pool() {
    return pool;
  }

  /**
   * How many items the call has, when known at its start.
   *
   * @return the size of the input when it is a {@link java.util.Collection}, otherwise -1 (unknown)
   */
  public long total() {
    return total;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof CallInfo that
        && what.equals(that.what)
        && pool.equals(that.pool)
        && total == that.total;
  }

  @Override
  public int hashCode() {
    return Objects.hash(what, pool, total);
  }

  /**
   * The call in a few words.
   *
   * @return e.g. {@code "Pool.map on Pool.virtual(8), 1000 items"}
   */
  @Override
  public String toString() {
    return what
        + (pool.isEmpty() ? "" : " on " + pool)
        + (total >= 0 ? ", " + total + " items" : ", items unknown");
  }

  /** Builds a {@link CallInfo}. Not thread-safe; what it builds is. */
  public static final class Builder {
    private final String what;
    private String pool = "";
    private long total = -1;

    private Builder(String what) {
      this.what = Objects.requireNonNull(what, "what must not be null");
    }

    /**
     * The pool's description.
     *
     * @param pool e.g. {@code "Pool.virtual(8)"}; empty by default
     * @return this builder
     */
    public Builder pool(String pool) {
      this.pool = Objects.requireNonNull(pool, "pool must not be null");
      return this;
    }

    /**
     * The number of items.
     *
     * @param total at least 0, or -1 (unknown, the default)
     * @return this builder
     * @throws IllegalArgumentException if {@code total} is below -1
     */
    public Builder total(long total) {
      if (total < -1) {
        throw new IllegalArgumentException("total must be -1 or more, but was " + total);
      }
      this.total = total;
      return this;
    }

    /**
     * Builds the value.
     *
     * @return a new {@link CallInfo}
     */
    public CallInfo build() {
      return new CallInfo(this);
    }
  }
}
