package dev.parmap.engine;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the core front end ({@code dev.parmap}) hands parmap's other front ends without making it
 * API: the JDK's shared-secrets idiom ({@code jdk.internal.access.SharedSecrets}, through which
 * {@code java.lang} gives other JDK packages access to its private parts). The module exports this
 * package only to parmap's own modules, so nothing here is visible to users.
 *
 * <p>The one secret is the core's {@link PublicTypes}: the exceptions a call throws ({@code
 * TaskFailedException}, {@code CallInterruptedException}, ...) are made by a package-private class
 * of {@code dev.parmap}. Everything else a front end needs to run a call (a launcher, the window, a
 * timer, its work) is the engine's own; see {@link StreamPush#onVirtualThreads}.
 *
 * <p><b>Registration.</b> {@code dev.parmap.Pool}'s static initializer sets the types, once. The
 * engine cannot make sure that has happened (it never names {@code dev.parmap}), so a front end
 * first initializes {@code Pool} itself, with {@code MethodHandles.lookup().ensureInitialized(
 * Pool.class)}, as the JDK's getters do with {@code ensureClassInitialized}. The field is written
 * once and never changes: it is a hand-over between two packages of one module, not mutable state.
 */
public final class SharedSecrets {
  private static volatile @Nullable PublicTypes coreTypes;
  private static volatile @Nullable Function<Object, CallOptions> optionsReader;
  private static volatile @Nullable Function<Object, @Nullable ResourceWork> resourceWorkReader;

  private SharedSecrets() {}

  /**
   * Registers the core's public types; called once, by {@code dev.parmap.Pool}'s static
   * initializer.
   *
   * @throws IllegalStateException if they are registered already
   */
  public static synchronized void setCoreTypes(PublicTypes types) {
    if (coreTypes != null) {
      throw new IllegalStateException("the core's public types are registered once, by Pool");
    }
    coreTypes = types;
  }

  /**
   * Registers how the core's public options ({@code dev.parmap.MapOptions}) read as the engine's
   * {@link CallOptions}; called once, by {@code dev.parmap.Pool}'s static initializer.
   *
   * @throws IllegalStateException if it is registered already
   */
  public static synchronized void setOptionsReader(Function<Object, CallOptions> reader) {
    if (optionsReader != null) {
      throw new IllegalStateException("the core's options reader is registered once, by Pool");
    }
    optionsReader = reader;
  }

  /**
   * Registers how a task made by the core's {@code dev.parmap.WorkerResource#task} reads as the
   * engine's {@link ResourceWork}; called once, by {@code dev.parmap.Pool}'s static initializer.
   *
   * @throws IllegalStateException if it is registered already
   */
  public static synchronized void setResourceWorkReader(
      Function<Object, @Nullable ResourceWork> reader) {
    if (resourceWorkReader != null) {
      throw new IllegalStateException(
          "the core's resource work reader is registered once, by Pool");
    }
    resourceWorkReader = reader;
  }

  /**
   * The engine's view of {@code task} if a {@code dev.parmap.WorkerResource} made it (its factory,
   * close and task), or null: for a front end that keeps such a call's resources elsewhere (the
   * cluster's members).
   *
   * @throws IllegalStateException if {@code dev.parmap.Pool} has not been initialized yet
   */
  public static @Nullable ResourceWork resourceWork(Object task) {
    Function<Object, @Nullable ResourceWork> reader = resourceWorkReader;
    if (reader == null) {
      throw new IllegalStateException(
          "dev.parmap.Pool is not initialized: call"
              + " MethodHandles.lookup().ensureInitialized(Pool.class) first");
    }
    return reader.apply(task);
  }

  /**
   * The engine's reading of the core's public options {@code mapOptions} (a {@code
   * dev.parmap.MapOptions}), for a front end that takes them (the cluster's {@code with}).
   *
   * @throws IllegalStateException if {@code dev.parmap.Pool} has not been initialized yet
   * @throws ClassCastException if {@code mapOptions} is not a {@code MapOptions}
   */
  public static CallOptions callOptions(Object mapOptions) {
    Function<Object, CallOptions> reader = optionsReader;
    if (reader == null) {
      throw new IllegalStateException(
          "dev.parmap.Pool is not initialized: call"
              + " MethodHandles.lookup().ensureInitialized(Pool.class) first");
    }
    return reader.apply(mapOptions);
  }

  /**
   * The core's public types.
   *
   * @throws IllegalStateException if {@code dev.parmap.Pool} has not been initialized yet
   */
  public static PublicTypes coreTypes() {
    PublicTypes types = coreTypes;
    if (types == null) {
      throw new IllegalStateException(
          "dev.parmap.Pool is not initialized: call"
              + " MethodHandles.lookup().ensureInitialized(Pool.class) first");
    }
    return types;
  }
}
