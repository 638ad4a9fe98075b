package dev.parmap.hazelcast;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Java serialization of what a chunk carries (the task and its items) and of what comes back
 * (results, or a task's exception): one stream per message, read under a JEP 290 filter that allows
 * only the allow-listed classes and bounds the graph's depth, the length of any array and the
 * number of references, so that a crafted message can neither name an unexpected class nor exhaust
 * the reader's stack or heap.
 *
 * <p>A refusal is a {@link Refused} exception that names the class or the limit.
 */
final class WireSerialization {

  /** The deepest nesting of objects a message may have. */
  static final long MAX_DEPTH = 200;

  /** The longest array a message may hold (a chunk holds at most a few thousand items). */
  static final long MAX_ARRAY_LENGTH = 1 << 24;

  /** The most objects and back-references a message may hold. */
  static final long MAX_REFERENCES = 10_000_000;

  private final List<String> allowedPrefixes;

  WireSerialization(List<String> allowedPrefixes) {
    this.allowedPrefixes = List.copyOf(allowedPrefixes);
  }

  static WireSerialization of(ClusterConfig config) {
    return new WireSerialization(config.allowedPrefixes());
  }

  /** Writes the values, in order, into one stream. */
  static byte[] write(@Nullable Object... values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      for (Object value : values) {
        out.writeObject(value);
      }
    }
    return bytes.toByteArray();
  }

  /**
   * Reads {@code count} values written by {@link #write}, under the filter.
   *
   * @throws Refused if the filter refused a class or a limit was passed
   * @throws ClassNotFoundException if a class is not on this JVM's class path
   */
  @Nullable Object[] read(byte[] message, int count) throws IOException, ClassNotFoundException {
    Check check = new Check();
    @Nullable Object[] values = new Object[count];
    try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(message), check)) {
      for (int i = 0; i < count; i++) {
        values[i] = in.readObject();
      }
    } catch (InvalidClassException e) {
      String refusal = check.refusal;
      if (refusal != null) {
        throw new Refused(refusal, e);
      }
      throw e;
    }
    return values;
  }

  /** Whether {@code className} (of a non-array class) is allow-listed. */
  boolean allows(String className) {
    for (String prefix : allowedPrefixes) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The filter of one stream: remembers why it refused, for the error message. */
  private final class Check implements ObjectInputFilter {
    @Nullable String refusal;

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > MAX_DEPTH) {
        return refuse("the object graph is deeper than " + MAX_DEPTH + " levels");
      }
      if (info.arrayLength() > MAX_ARRAY_LENGTH) {
        return refuse(
            "an array of " + info.arrayLength() + " elements, more than " + MAX_ARRAY_LENGTH);
      }
      if (info.references() > MAX_REFERENCES) {
        return refuse("more than " + MAX_REFERENCES + " objects");
      }
      Class<?> type = info.serialClass();
      if (type == null) {
        return Status.UNDECIDED; // a check of the limits only: passed
      }
      Class<?> element = type;
      while (element.isArray()) {
        element = element.getComponentType();
      }
      if (element.isPrimitive() || allows(element.getName())) {
        return Status.ALLOWED;
      }
      return refuse("class " + type.getName() + " is not allow-listed");
    }

    private Status refuse(String why) {
      if (refusal == null) {
        refusal = why;
      }
      return Status.REJECTED;
    }
  }

  /** The filter refused a message: a class outside the allow-list, or past a limit. */
  static final class Refused extends InvalidClassException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    Refused(String reason, InvalidClassException cause) {
      super(reason);
      this.reason = reason;
      initCause(cause);
    }

    /** The class refused, or the limit passed. */
    String reason() {
      return reason;
    }
  }

  /** An object stream with the filter, resolving classes with the thread's class loader first. */
  private static final class FilteredInput extends ObjectInputStream {
    FilteredInput(InputStream in, ObjectInputFilter filter) throws IOException {
      super(in);
      setObjectInputFilter(filter);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution below
        }
      }
      return super.resolveClass(desc);
    }
  }
}
