package dev.parmap;

import dev.parmap.engine.CallOptions;
import dev.parmap.engine.PublicTypes;

/** What the engine's tests need of the public package: its types and its options, as a pool's. */
public final class TestAccess {
  private TestAccess() {}

  /** The public types a {@link Pool}'s calls hand to users. */
  public static PublicTypes types() {
    return CoreTypes.INSTANCE;
  }

  /** {@code options} as the engine reads them. */
  public static CallOptions forEngine(MapOptions options) {
    return options.forEngine();
  }
}
