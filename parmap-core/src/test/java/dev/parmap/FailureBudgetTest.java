package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.observe.CallStats;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.FailureBudget;
import java.io.IOException;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A failure budget stops a call that reports outcomes once too many items failed (issue 16). */
class FailureBudgetTest {
  private static final int ITEMS = 1000;

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  private static List<Integer> items() {
    return IntStream.range(0, ITEMS).boxed().toList();
  }

  /** The server is down: every request fails after a millisecond. */
  private static Task<Integer, Integer> serverDown(AtomicInteger ran) {
    return i -> {
      ran.incrementAndGet();
      Thread.sleep(1); // the request's round trip
      throw new IOException("connection refused: item " + i);
    };
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aCallWhoseServerIsDownStopsAfterItsBudgetAndSaysWhatHappenedToEveryItem(PoolKind kind) {
    AtomicInteger ran = new AtomicInteger();
    MapOptions options =
        MapOptions.builder()
            .failureBudget(FailureBudget.maxFailures(5))
            .maxConcurrency(4) // every pool kind runs at most 4 at once
            .build();
    Outcomes<Integer, Integer> outcomes;
    try (Pool pool = kind.create(4).with(options)) {
      outcomes = pool.mapOutcomes(items(), serverDown(ran));
    }
    assertThat(outcomes.all()).hasSize(ITEMS);
    assertThat(outcomes.isComplete()).as("a list's unread items are reported too").isTrue();
    assertThat(ran.get()).as("items started").isBetween(6, 100);
    List<Outcome.Failure<Integer, Integer>> failures = outcomes.failures();
    assertThat(failures).hasSize(ITEMS);
    long ranAndFailed = failures.stream().filter(f -> f.cause() instanceof IOException).count();
    assertThat(ranAndFailed).isGreaterThanOrEqualTo(6).isLessThanOrEqualTo(ran.get());
    FailureBudgetExceededException budget =
        (FailureBudgetExceededException)
            failures.stream()
                .map(Outcome.Failure::cause)
                .filter(c -> c instanceof FailureBudgetExceededException)
                .findFirst()
                .orElseThrow();
    assertThat(budget.succeeded()).isZero();
    assertThat(budget.failed()).isGreaterThan(5);
    assertThat(budget)
        .hasMessageContaining(
            "its failure budget (FailureBudget[more than 5 failures]) was exceeded");
    assertThat(budget.getSuppressed())
        .hasSize(3)
        .allSatisfy(first -> assertThat(first).isInstanceOf(IOException.class));
    for (int i = 0; i < ITEMS; i++) {
      assertThat(outcomes.all().get(i).index()).isEqualTo(i);
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aStreamOfOutcomesEndsOnceTheBudgetIsExceeded(PoolKind kind) {
    AtomicInteger ran = new AtomicInteger();
    MapOptions options =
        MapOptions.builder().failureBudget(FailureBudget.maxFailures(3)).maxConcurrency(4).build();
    List<Outcome<Integer, Integer>> seen;
    try (Pool pool = kind.create(4).with(options);
        Stream<Outcome<Integer, Integer>> stream =
            pool.streamOutcomes(new LinkedList<>(items()), serverDown(ran))) {
      seen = stream.toList();
    }
    assertThat(seen.size()).as("outcomes handed over").isBetween(4, 200);
    assertThat(seen).allSatisfy(o -> assertThat(o.isSuccess()).isFalse());
    assertThat(seen.get(seen.size() - 1))
        .isInstanceOfSatisfying(
            Outcome.Failure.class,
            f ->
                assertThat(f.cause())
                    .isInstanceOfAny(IOException.class, FailureBudgetExceededException.class));
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i).index()).isEqualTo(i);
    }
    assertThat(ran.get()).isLessThan(200);
  }

  @ParameterizedTest
  @MethodSource("pools")
  void failuresWithinARatioBudgetLetEveryItemRun(PoolKind kind) {
    MapOptions options =
        MapOptions.builder().failureBudget(FailureBudget.maxRatio(0.5, 20)).build();
    try (Pool pool = kind.create(4).with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              items(),
              i -> {
                if (i % 4 == 0) {
                  throw new IOException("a quarter fails");
                }
                return i;
              });
      assertThat(outcomes.failures()).hasSize(ITEMS / 4);
      assertThat(outcomes.failures())
          .allSatisfy(f -> assertThat(f.cause()).isInstanceOf(IOException.class));
      assertThat(outcomes.successes()).hasSize(3 * ITEMS / 4);
    }
  }

  @Test
  void theCallEndsAsFailedForItsListener() {
    AtomicReference<CallStats> stats = new AtomicReference<>();
    ProgressListener listener =
        call ->
            new dev.parmap.observe.CallObserver() {
              @Override
              public void onFinish(CallStats finished) {
                stats.set(finished);
              }
            };
    MapOptions options =
        MapOptions.builder().failureBudget(FailureBudget.maxFailures(0)).listener(listener).build();
    try (Pool pool = Pool.virtual(2).with(options)) {
      pool.mapOutcomes(items(), serverDown(new AtomicInteger()));
    }
    assertThat(stats.get().ending()).isEqualTo(CallStats.Ending.FAILED);
  }

  @Test
  void callsThatFailFastStopAtTheirFirstFailureWhateverTheBudget() {
    MapOptions options = MapOptions.builder().failureBudget(FailureBudget.maxFailures(100)).build();
    try (Pool pool = Pool.virtual(4).with(options)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      items(),
                      i -> {
                        if (i == 7) {
                          throw new IOException("item 7");
                        }
                        return i;
                      }));
      assertThat(failure.index()).isEqualTo(7);
    }
  }

  @Test
  void budgetsAreValuesAndBadFiguresAreRefused() {
    assertThat(FailureBudget.maxFailures(50)).isEqualTo(FailureBudget.maxFailures(50));
    assertThat(FailureBudget.maxFailures(50)).hasToString("FailureBudget[more than 50 failures]");
    assertThat(FailureBudget.maxRatio(0.2, 100))
        .isEqualTo(FailureBudget.maxRatio(0.2, 100))
        .hasSameHashCodeAs(FailureBudget.maxRatio(0.2, 100))
        .isNotEqualTo(FailureBudget.maxRatio(0.2, 10))
        .hasToString("FailureBudget[more than 20.0% failures after 100 items]");
    assertThat(FailureBudget.maxFailures(3).failuresAllowed()).hasValue(3);
    assertThat(FailureBudget.maxRatio(0.2, 100).ratioAllowed()).hasValue(0.2);
    assertThatThrownBy(() -> FailureBudget.maxFailures(-1))
        .hasMessage("maxFailures must be at least 0, but was -1");
    assertThatThrownBy(() -> FailureBudget.maxRatio(1, 10))
        .hasMessage("maxRatio must be at least 0 and less than 1, but was 1.0");
    assertThatThrownBy(() -> FailureBudget.maxRatio(0.1, 0))
        .hasMessage("minItems must be at least 1, but was 0");
    assertThat(MapOptions.builder().failureBudget(FailureBudget.maxFailures(1)).build().toString())
        .endsWith("failureBudget=FailureBudget[more than 1 failures]]");
  }
}
