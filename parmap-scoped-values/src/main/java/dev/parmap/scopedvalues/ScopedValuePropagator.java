package dev.parmap.scopedvalues;

import dev.parmap.observe.ContextPropagator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Carries the caller's bindings of some {@link ScopedValue}s into the tasks of a parmap call, on
 * every kind of pool:
 *
 * <pre>{@code
 * MapOptions options = MapOptions.builder().propagate(ScopedValuePropagator.of(USER)).build();
 * ScopedValue.where(USER, "alice").run(() -> pool.with(options).map(orders, Orders::price));
 * }</pre>
 *
 * <p><b>Contract.</b> When the call is made, {@link #capture()} reads, on the calling thread, the
 * value each of the scoped values is bound to there (those that are not bound are left out). Each
 * chunk of the call's items then runs on its pool thread inside {@code ScopedValue.where(key,
 * value)} bindings of those values ({@link ContextPropagator.Around}), so every task reads them
 * with {@code key.get()}; once the chunk ends the bindings are gone, and unrelated work on the same
 * thread (another call's tasks) does not see them. A task sees the values as they were when the
 * call was made, even if the caller rebinds the key later (a stream's lazy tasks included).
 *
 * <p>Without a propagator a task on a pool thread sees none of the caller's bindings: scoped values
 * are inherited only by the threads of a {@code StructuredTaskScope}. The propagator is immutable
 * and thread-safe; make it once, for instance next to the {@code ScopedValue} itself.
 *
 * @since 0.1
 */
public final class ScopedValuePropagator implements ContextPropagator {
  private final List<ScopedValue<?>> keys;

  private ScopedValuePropagator(List<ScopedValue<?>> keys) {
    this.keys = keys;
  }

  /**
   * A propagator of the bindings of {@code keys}.
   *
   * @param keys the scoped values to carry, at least one
   * @return the propagator
   * @throws IllegalArgumentException if {@code keys} is empty
   * @throws NullPointerException if {@code keys} or one of them is null
   */
  public static ScopedValuePropagator of(ScopedValue<?>... keys) {
    List<ScopedValue<?>> list = List.of(keys); // throws NullPointerException on a null key
    if (list.isEmpty()) {
      throw new IllegalArgumentException("at least one ScopedValue is needed");
    }
    return new ScopedValuePropagator(list);
  }

  /**
   * Reads the bindings of this propagator's scoped values on the calling thread.
   *
   * @return a snapshot that binds them around each chunk of the call's tasks
   */
  @Override
  public Snapshot capture() {
    ScopedValue.@Nullable Carrier bindings = null;
    for (ScopedValue<?> key : keys) {
      if (key.isBound()) {
        bindings = bind(bindings, key);
      }
    }
    if (bindings == null) {
      return (Around) Runnable::run;
    }
    ScopedValue.Carrier carrier = bindings;
    return (Around) carrier::run;
  }

  private static <T> ScopedValue.Carrier bind(
      ScopedValue.@Nullable Carrier bindings, ScopedValue<T> key) {
    T value = key.get();
    return bindings == null ? ScopedValue.where(key, value) : bindings.where(key, value);
  }

  @Override
  public String toString() {
    return "ScopedValuePropagator" + keys;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ScopedValuePropagator that && keys.equals(that.keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keys);
  }
}
