package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A call made from inside a task of the same pool never waits for a thread it is holding. */
class NestedCallTest {

  /** Runs {@code body} on its own thread and waits for it, generously bounded against a hang. */
  private static <V> V withinAMinute(java.util.concurrent.Callable<V> body) throws Exception {
    CompletableFuture<V> result = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    result.complete(body.call());
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    try {
      return result.get(60, TimeUnit.SECONDS);
    } finally {
      thread.interrupt(); // only matters after a timeout: lets a deadlocked test end
      thread.join(TimeUnit.SECONDS.toMillis(60));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void nestedMapOnASaturatedThreadsPoolDoesNotDeadlock(int threads) throws Exception {
    List<List<Integer>> results =
        withinAMinute(
            () -> {
              try (Pool pool = Pool.threads(threads)) {
                return pool.map(
                    IntStream.range(0, 4).boxed().toList(),
                    i -> pool.map(IntStream.range(0, 100).boxed().toList(), j -> i * 1000 + j));
              }
            });
    assertThat(results).hasSize(4);
    for (int i = 0; i < 4; i++) {
      int outer = i;
      assertThat(results.get(i))
          .isEqualTo(IntStream.range(0, 100).map(j -> outer * 1000 + j).boxed().toList());
    }
  }

  @Test
  void nestedStreamOnAVirtualPoolWithOnePermitDoesNotDeadlock() throws Exception {
    List<Long> sums =
        withinAMinute(
            () -> {
              try (Pool pool = Pool.virtual(1)) {
                return pool.map(
                    List.of(10, 20),
                    n -> {
                      try (Stream<Integer> inner =
                          pool.stream(IntStream.range(0, n).boxed().toList(), j -> j)) {
                        return inner.mapToLong(Integer::longValue).sum();
                      }
                    });
              }
            });
    assertThat(sums).containsExactly(45L, 190L);
  }

  @Test
  void aNestedFailureFailsTheInnerCallAndThenTheOuterOne() throws Exception {
    Throwable thrown =
        withinAMinute(
            () -> {
              try (Pool pool = Pool.threads(1)) {
                pool.map(
                    List.of(1),
                    i ->
                        pool.map(
                            List.of(1, 2, 3),
                            j -> {
                              if (j == 2) {
                                throw new IllegalStateException("inner fails");
                              }
                              return j;
                            }));
                return new AssertionError("no failure");
              } catch (TaskFailedException e) {
                return e;
              }
            });
    assertThat(thrown).isInstanceOf(TaskFailedException.class);
    assertThat(thrown.getCause())
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("#1")
        .hasRootCauseMessage("inner fails");
  }
}
