package dev.parmap.hazelcast;

import dev.parmap.ParmapException;
import org.jspecify.annotations.Nullable;

/**
 * An item could not be sent to the cluster because Java serialization refused it: its class is not
 * {@link java.io.Serializable}, or it holds a field that is not. Thrown by the call, on the
 * caller's thread, before the chunk holding the item is sent; the call stops as for a failed task.
 *
 * <p>{@link #index()} is the item's position in the input; {@link #getCause()} is the serialization
 * error, which names the class at fault.
 *
 * @since 0.1
 */
public final class ItemNotSerializableException extends ParmapException {
  private static final long serialVersionUID = 1L;

  private final long index;
  private final transient @Nullable Object item;

  /**
   * Creates the exception for the item at {@code index}.
   *
   * @param index the zero-based position of the item in the input
   * @param item the item
   * @param cause the serialization error
   */
  public ItemNotSerializableException(long index, @Nullable Object item, Throwable cause) {
    super(
        "item #"
            + index
            + " (a "
            + (item == null ? "null" : item.getClass().getName())
            + ") cannot be sent to the cluster: "
            + cause
            + ". Items go to the members with Java serialization: make the item's class and"
            + " its fields Serializable (or the fields transient), or map the items to"
            + " serializable values first",
        cause);
    this.index = index;
    this.item = item;
  }

  /**
   * Returns the zero-based position of the item in the input.
   *
   * @return the index of the item
   */
  public long index() {
    return index;
  }

  /**
   * Returns the item that could not be sent.
   *
   * @return the item
   */
  public @Nullable Object item() {
    return item;
  }
}
