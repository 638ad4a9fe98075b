package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A result stream dropped unclosed: close() of its pool still leaves nothing of it running. */
class AbandonedStreamTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void closeEndsTheTimeoutTimerOfAStreamDroppedUnclosed(PoolKind kind) {
    MapOptions options = MapOptions.builder().timeout(Duration.ofMinutes(5)).build();
    Pool pool = kind.create(2).with(options);
    String timerPrefix = pool.threadPrefix() + "timer-";
    try {
      Iterator<Integer> results =
          pool.stream(IntStream.range(0, 100).boxed().toList(), i -> i).iterator();
      for (int i = 0; i < 10; i++) {
        assertThat(results.next()).isEqualTo(i); // the alarms of their timeouts start a timer
      }
    } finally {
      pool.close(); // the stream is dropped without being closed
    }
    assertThat(liveThreads(timerPrefix)).as("timer threads alive after close()").isEmpty();
  }

  private static List<String> liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix))
        .toList();
  }
}
