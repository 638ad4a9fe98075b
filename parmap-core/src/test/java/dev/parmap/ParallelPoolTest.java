package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Code written against {@link ParallelPool} runs unchanged on every kind of pool: moving a call
 * from one pool to another changes only the line that creates the pool.
 */
class ParallelPoolTest {

  static List<PoolKind> kinds() {
    return PoolKind.all();
  }

  private static final List<String> WORDS = List.of("to", "be", "or", "not", "to", "be", "!");
  private static final List<String> SHOUTED = List.of("TO", "BE", "OR", "NOT", "TO", "BE", "!");

  private static String shout(String word) {
    if (word.equals("!")) {
      return word;
    }
    return word.toUpperCase(Locale.ROOT);
  }

  /** Every call of the interface, by code that knows nothing of the pool behind it. */
  private static void useEveryCall(ParallelPool pool) throws Exception {
    assertThat(pool.map(WORDS, ParallelPoolTest::shout)).isEqualTo(SHOUTED);

    Set<String> seen = ConcurrentHashMap.newKeySet();
    pool.forEach(WORDS, word -> seen.add(shout(word)));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(Set.copyOf(SHOUTED));

    assertThat(pool.stream(WORDS, ParallelPoolTest::shout).toList()).isEqualTo(SHOUTED);
    assertThat(pool.streamUnordered(WORDS, ParallelPoolTest::shout).toList())
        .containsExactlyInAnyOrderElementsOf(SHOUTED);
    assertThat(pool.mapAsync(WORDS, ParallelPoolTest::shout).get(30, TimeUnit.SECONDS))
        .isEqualTo(SHOUTED);

    ParallelPool oneAtATime = pool.with(MapOptions.builder().maxConcurrency(1).build());
    assertThat(oneAtATime.map(WORDS, ParallelPoolTest::shout)).isEqualTo(SHOUTED);

    Task<String, String> failsOnNot =
        word -> {
          if (word.equals("not")) {
            throw new IllegalArgumentException("no " + word);
          }
          return shout(word);
        };
    Outcomes<String, String> outcomes = pool.mapOutcomes(WORDS, failsOnNot);
    assertThat(outcomes.all()).hasSize(WORDS.size());
    assertThat(outcomes.failures())
        .singleElement()
        .satisfies(failure -> assertThat(failure.item()).isEqualTo("not"));
    assertThat(pool.streamOutcomes(WORDS, failsOnNot).map(Outcome::isSuccess).toList())
        .containsExactly(true, true, true, false, true, true, true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void codeWrittenAgainstTheInterfaceRunsUnchangedOnEveryKindOfPool(PoolKind kind)
      throws Exception {
    try (ParallelPool pool = kind.create(4)) { // the one line that chooses the pool
      useEveryCall(pool);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aShortCircuitedStreamEndsItsCallThroughTheInterfaceToo(PoolKind kind) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    try (ParallelPool pool = kind.create(4)) {
      try {
        Stream<Integer> results =
            pool.stream(
                IntStream.range(0, 64).boxed().toList(),
                i -> {
                  if (i == 0) {
                    return 0;
                  }
                  running.incrementAndGet();
                  try {
                    never.await();
                  } finally {
                    running.decrementAndGet();
                  }
                  return i;
                });

        assertThat(results.findFirst()).contains(0); // not closed by the test: the point

        assertThat(running).hasValue(0);
      } finally {
        never.countDown();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aPoolClosedThroughTheInterfaceRefusesNewCalls(PoolKind kind) {
    ParallelPool pool = kind.create(2);
    pool.close();
    assertThatThrownBy(() -> pool.map(WORDS, ParallelPoolTest::shout))
        .isInstanceOf(IllegalStateException.class);
  }
}
