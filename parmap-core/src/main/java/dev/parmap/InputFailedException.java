package dev.parmap;

/**
 * Reading the input failed: the {@link java.util.Iterator} of the items threw from {@code
 * hasNext()} or {@code next()}.
 *
 * <p>The call stops as for a failed task: no further items start, the running ones are interrupted
 * and awaited. {@link #index()} is the position of the item that could not be read (the number of
 * items read successfully before it); {@link #getCause()} is what the iterator threw.
 *
 * @since 0.1
 */
public final class InputFailedException extends ParmapException {
  private static final long serialVersionUID = 1L;

  private final long index;

  /**
   * Creates the exception for a failure to read the item at {@code index}.
   *
   * @param index the zero-based position of the item that could not be read
   * @param cause what the iterator threw
   */
  public InputFailedException(long index, Throwable cause) {
    super("reading input item #" + index + " failed: " + cause, cause);
    this.index = index;
  }

  /**
   * Returns the zero-based position of the item that could not be read.
   *
   * @return the number of items read successfully before the failure
   */
  public long index() {
    return index;
  }
}
