package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stream's results handed over a chunk at a time (forEachRemaining, what a terminal operation
 * that does not short-circuit uses) and one at a time (tryAdvance) are the same results, in the
 * same order, with the same failures (issue 17, workload D).
 */
class StreamHandOverTest {
  private static final int N = 200_000;

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  private static List<Integer> input() {
    return new LinkedList<>(IntStream.range(0, N).boxed().toList());
  }

  @ParameterizedTest
  @MethodSource("pools")
  void pullsAndChunkHandOversMixInInputOrder(PoolKind kind) {
    List<Integer> seen = new ArrayList<>();
    try (Pool pool = kind.create(4);
        Stream<Integer> results = pool.stream(input(), i -> 2 * i)) {
      Iterator<Integer> iterator = results.iterator();
      for (int i = 0; i < 10; i++) {
        seen.add(iterator.next()); // tryAdvance
      }
      iterator.forEachRemaining(seen::add); // the rest, a chunk at a time
    }
    assertThat(seen).hasSize(N);
    for (int i = 0; i < N; i++) {
      assertThat(seen.get(i)).isEqualTo(2 * i);
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aFailureStopsTheHandOverAtItsItemOrBefore(PoolKind kind) {
    int failing = N / 2;
    List<Integer> seen = new ArrayList<>();
    try (Pool pool = kind.create(4);
        Stream<Integer> results =
            pool.stream(
                input(),
                i -> {
                  if (i == failing) {
                    throw new IllegalStateException("item " + i);
                  }
                  return i;
                })) {
      TaskFailedException failure =
          catchThrowableOfType(TaskFailedException.class, () -> results.forEach(seen::add));
      assertThat(failure.index()).isEqualTo(failing);
    }
    assertThat(seen.size()).isLessThanOrEqualTo(failing);
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo(i);
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aSumOverChunkHandOversIsTheSequentialSum(PoolKind kind) {
    long expected = (long) N * (N - 1) / 2;
    try (Pool pool = kind.create(4);
        Stream<Long> results = pool.stream(input(), i -> (long) i)) {
      assertThat(results.mapToLong(Long::longValue).sum()).isEqualTo(expected);
    }
    try (Pool pool = kind.create(4);
        Stream<Long> results = pool.streamUnordered(input(), i -> (long) i)) {
      assertThat(results.mapToLong(Long::longValue).sum()).isEqualTo(expected);
    }
  }
}
