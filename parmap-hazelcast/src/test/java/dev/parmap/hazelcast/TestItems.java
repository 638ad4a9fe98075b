package dev.parmap.hazelcast;

import java.io.Serializable;

/** Items and exceptions the tests send to members (in dev.parmap, which the members allow). */
final class TestItems {
  private TestItems() {}

  /** Not Serializable at all. */
  static final class Opaque {
    @Override
    public String toString() {
      return "opaque";
    }
  }

  /** Serializable, but holds a field that is not. */
  static final class Holder implements Serializable {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"serial", "unused"}) // not serializable on purpose
    private final Object inside = new Opaque();
  }

  /** A checked exception a task throws. */
  static final class Boom extends Exception {
    private static final long serialVersionUID = 1L;

    Boom(String message) {
      super(message);
    }
  }
}
