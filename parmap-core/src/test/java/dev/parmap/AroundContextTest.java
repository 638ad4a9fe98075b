package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.observe.ContextPropagator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Context put in place around a chunk's work ({@link ContextPropagator.Around}). */
class AroundContextTest {
  /** A binding that exists only inside {@link #runWith}, as a ScopedValue's. */
  private static final ThreadLocal<@Nullable String> BOUND = new ThreadLocal<>();

  private static void runWith(@Nullable String value, Runnable work) {
    String before = BOUND.get();
    BOUND.set(value);
    try {
      work.run();
    } finally {
      BOUND.set(before);
    }
  }

  private static final ContextPropagator AROUND =
      () -> {
        String captured = BOUND.get();
        return (ContextPropagator.Around) work -> runWith(captured, work);
      };

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void everyTaskRunsInsideTheCallersBindingAndNothingIsLeftOnThePoolThreads(PoolKind kind) {
    try (Pool pool = kind.create(2)) {
      Pool propagating = pool.with(MapOptions.builder().propagate(AROUND).build());
      List<@Nullable String> seen = new ArrayList<>();
      runWith("alice", () -> seen.addAll(propagating.map(items(500), i -> BOUND.get())));
      assertThat(seen).hasSize(500).containsOnly("alice");
      assertThat(pool.map(items(500), i -> BOUND.get())).containsOnlyNulls();
    }
  }

  @Test
  void aroundAndApplyPropagatorsNestInTheirOrder() {
    List<String> trace = new CopyOnWriteArrayList<>();
    ContextPropagator outer =
        () ->
            (ContextPropagator.Around)
                work -> {
                  trace.add("around-in");
                  work.run();
                  trace.add("around-out");
                };
    ContextPropagator inner =
        () ->
            () -> {
              trace.add("apply");
              return () -> trace.add("close");
            };
    MapOptions options = MapOptions.builder().propagate(outer).propagate(inner).build();
    try (Pool pool = Pool.threads(1).with(options)) {
      pool.map(List.of(1), i -> trace.add("task"));
    }
    assertThat(trace).containsExactly("around-in", "apply", "task", "close", "around-out");
  }

  @Test
  void anAroundThatDoesNotRunTheWorkFailsTheItems() {
    ContextPropagator lazy = () -> (ContextPropagator.Around) work -> {};
    try (Pool pool = Pool.threads(1).with(MapOptions.builder().propagate(lazy).build())) {
      TaskFailedException failure =
          catchThrowableOfType(TaskFailedException.class, () -> pool.map(List.of(1, 2), i -> i));
      assertThat(failure.getCause())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without running");
      Outcomes<Integer, Integer> outcomes = pool.mapOutcomes(List.of(1, 2), i -> i);
      assertThat(outcomes.failures()).hasSize(2);
    }
  }

  @Test
  void anAroundThatThrowsBeforeTheWorkFailsTheItemsAndAfterItFailsTheCall() {
    ContextPropagator before =
        () ->
            (ContextPropagator.Around)
                work -> {
                  throw new IllegalArgumentException("before");
                };
    ContextPropagator after =
        () ->
            (ContextPropagator.Around)
                work -> {
                  work.run();
                  throw new IllegalArgumentException("after");
                };
    try (Pool pool = Pool.threads(1)) {
      TaskFailedException early =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.with(MapOptions.builder().propagate(before).build())
                      .map(List.of(1), i -> i));
      assertThat(early.getCause()).hasMessage("before");
      ParmapException late =
          catchThrowableOfType(
              ParmapException.class,
              () ->
                  pool.with(MapOptions.builder().propagate(after).build()).map(List.of(1), i -> i));
      assertThat(late).isNotInstanceOf(TaskFailedException.class);
      assertThat(late.getCause()).hasMessage("after");
    }
  }

  @Test
  void anAroundThatRunsTheWorkTwiceFailsTheCall() {
    ContextPropagator twice =
        () ->
            (ContextPropagator.Around)
                work -> {
                  work.run();
                  work.run();
                };
    try (Pool pool = Pool.threads(1).with(MapOptions.builder().propagate(twice).build())) {
      ParmapException failure =
          catchThrowableOfType(ParmapException.class, () -> pool.map(List.of(1), i -> i));
      assertThat(failure.getCause()).hasMessageContaining("twice");
    }
  }

  @Test
  void anAroundSnapshotIsNeverApplied() {
    ContextPropagator.Around around = work -> work.run();
    org.assertj.core.api.Assertions.assertThatThrownBy(around::apply)
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
