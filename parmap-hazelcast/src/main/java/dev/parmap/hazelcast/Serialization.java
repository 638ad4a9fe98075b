package dev.parmap.hazelcast;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/** Java serialization checks, made on the caller's side so that errors name the culprit. */
final class Serialization {
  private Serialization() {}

  /** Serializes {@code value} into nothing; throws what Java serialization throws. */
  static void serialize(@Nullable Object value) throws IOException {
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(value);
    }
  }

  /**
   * Checks that the task serializes.
   *
   * @throws IllegalArgumentException saying what to do if it does not
   */
  static void checkTask(Object task, String what) {
    try {
      serialize(task);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the task given to "
              + what
              + " cannot be sent to the cluster: "
              + e
              + ". Tasks go to the members with Java serialization: pass a SerializableTask"
              + " (a lambda is fine), and make everything it captures Serializable; do not"
              + " capture connections, clients, loggers or the `this` of a class that is not"
              + " Serializable (copy the values you need into local variables first)",
          e);
    }
  }

  /** Whether {@code item} serializes; the error if it does not. */
  static @Nullable Exception check(@Nullable Object item) {
    try {
      serialize(item);
      return null;
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }
}
