package dev.parmap.contextpropagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import io.micrometer.context.ContextRegistry;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContextRegistryPropagatorTest {

  private static final List<Integer> ITEMS = IntStream.range(0, 50).boxed().toList();
  private static final long WAIT_SECONDS = 30; // generous: a loaded 2-core machine must not flake

  /** A thread local of the application's, registered in a registry of the test's own. */
  private static final ThreadLocal<String> USER = new ThreadLocal<>();

  private final ContextRegistry registry =
      new ContextRegistry().registerThreadLocalAccessor("test.user", USER);
  private final MapOptions propagate =
      MapOptions.builder().propagate(new ContextRegistryPropagator(registry)).build();

  @AfterEach
  void clearTheCallersThreadLocal() {
    USER.remove();
  }

  static Stream<Arguments> pools() {
    return Stream.of(
        Arguments.of("Pool.virtual()", (Supplier<Pool>) Pool::virtual),
        Arguments.of("Pool.threads(2)", (Supplier<Pool>) () -> Pool.threads(2)));
  }

  /** Where a task ran and what it saw. */
  private record Seen(String thread, @org.jspecify.annotations.Nullable String user) {
    static Seen now() {
      return new Seen(Thread.currentThread().getName(), USER.get());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void aRegisteredThreadLocalReachesEveryTask(String description, Supplier<Pool> pools) {
    USER.set("alice");
    List<Seen> seen;
    try (Pool pool = pools.get().with(propagate)) {
      seen = pool.map(ITEMS, i -> Seen.now());
    }

    assertThat(seen)
        .hasSize(ITEMS.size())
        .allSatisfy(
            s -> {
              assertThat(s.thread()).startsWith("parmap-");
              assertThat(s.user()).isEqualTo("alice");
            });
    assertThat(USER.get()).isEqualTo("alice"); // the caller's is unchanged
  }

  @Test
  void withoutThePropagatorTasksDoNotSeeTheCallersValue() {
    USER.set("alice");
    List<Seen> seen;
    try (Pool pool = Pool.threads(2)) {
      seen = pool.map(ITEMS, i -> Seen.now());
    }

    assertThat(seen).hasSize(ITEMS.size()).allSatisfy(s -> assertThat(s.user()).isNull());
  }

  @Test
  void nothingIsLeftBehindOnEitherThreadOfAPoolOfTwo() {
    // The barriers make the two items of each call run at once, so on both threads of the pool.
    CyclicBarrier during = new CyclicBarrier(2);
    CyclicBarrier after = new CyclicBarrier(2);
    try (Pool pool = Pool.threads(2)) {
      USER.set("alice");
      List<Seen> withContext =
          pool.with(propagate)
              .map(
                  List.of(1, 2),
                  i -> {
                    during.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    return Seen.now();
                  });
      List<Seen> later =
          pool.map(
              List.of(1, 2),
              i -> {
                after.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return Seen.now();
              });

      assertThat(withContext).extracting(Seen::user).containsExactly("alice", "alice");
      assertThat(withContext).extracting(Seen::thread).doesNotHaveDuplicates();
      assertThat(later).extracting(Seen::thread).doesNotHaveDuplicates();
      assertThat(later).extracting(Seen::user).containsExactly(null, null);
    }
  }

  @Test
  void aPoolThreadsOwnValueIsHiddenDuringTheCallAndRestoredAfterIt() {
    try (Pool pool = Pool.threads(1)) {
      pool.forEach(List.of(1), i -> USER.set("worker")); // left on the pool thread on purpose

      USER.set("alice");
      List<Seen> withCallersValue = pool.with(propagate).map(ITEMS, i -> Seen.now());
      USER.remove();
      List<Seen> withNoValue = pool.with(propagate).map(ITEMS, i -> Seen.now());
      List<Seen> after = pool.map(List.of(1), i -> Seen.now());

      assertThat(withCallersValue).extracting(Seen::user).containsOnly("alice");
      assertThat(withNoValue).extracting(Seen::user).containsOnlyNulls(); // reset, not "worker"
      assertThat(after).extracting(Seen::user).containsExactly("worker");
    }
  }

  @Test
  void aTasksChangeReachesNeitherTheCallerNorTheNextCall() {
    USER.set("alice");
    try (Pool pool = Pool.threads(1).with(propagate)) {
      List<String> before =
          pool.map(
              ITEMS,
              i -> {
                String value = USER.get();
                USER.set("changed by " + i);
                return String.valueOf(value);
              });
      List<Seen> next = pool.map(List.of(1), i -> Seen.now());

      assertThat(before.getFirst()).isEqualTo("alice"); // a chunk's first item sees the caller's
      assertThat(next).extracting(Seen::user).containsExactly("alice");
    }
    assertThat(USER.get()).isEqualTo("alice");
  }

  @Test
  void nestedCallsSeeTheOuterTasksValueAndLeaveItAsItWas() {
    USER.set("outer");
    // One thread: the nested call runs its chunks on the outer task's own thread (it helps rather
    // than waiting), so the propagator sets and restores the value of a thread that has one.
    try (Pool pool = Pool.threads(1).with(propagate)) {
      List<List<String>> seen =
          pool.map(
              List.of(1, 2, 3),
              i -> {
                USER.set("outer " + i);
                List<String> inner = pool.map(List.of("a", "b"), s -> USER.get());
                return List.of(inner.get(0), inner.get(1), USER.get());
              });

      for (int i = 1; i <= 3; i++) {
        assertThat(seen.get(i - 1)).containsOnly("outer " + i);
      }
    }
    assertThat(USER.get()).isEqualTo("outer");
  }

  @Test
  void theDefaultRegistryIsContextRegistryGetInstanceReadAtEachCall() {
    ThreadLocal<String> tenant = new ThreadLocal<>();
    ContextRegistryPropagator propagator = new ContextRegistryPropagator(); // before registering
    ContextRegistry.getInstance().registerThreadLocalAccessor("test.tenant", tenant);
    tenant.set("acme");
    try (Pool pool = Pool.virtual().with(MapOptions.builder().propagate(propagator).build())) {
      assertThat(pool.map(ITEMS, i -> tenant.get())).containsOnly("acme");
    } finally {
      ContextRegistry.getInstance().removeThreadLocalAccessor("test.tenant");
      tenant.remove();
    }
  }

  @Test
  void anAccessorThatFailsToCaptureFailsTheCallAsItIsMade() {
    IllegalStateException broken = new IllegalStateException("no context here");
    registry.registerThreadLocalAccessor(
        "test.broken",
        () -> {
          throw broken;
        },
        value -> {},
        () -> {});
    try (Pool pool = Pool.virtual().with(propagate)) {
      assertThatThrownBy(() -> pool.map(ITEMS, i -> i)).isSameAs(broken);
    }
  }

  @Test
  void toStringNamesItsRegistryAndNullIsRefused() {
    assertThat(new ContextRegistryPropagator(registry))
        .hasToString("ContextRegistryPropagator[test.user]");
    assertThatThrownBy(() -> new ContextRegistryPropagator(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
  }
}
