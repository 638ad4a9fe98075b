package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Under fail fast, the statistics count as {@link CallStats} and {@link Progress} define them: the
 * failed item finished (unsuccessfully), so it counts among the items and among the failures.
 */
class FailFastStatisticsTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  private static final class Recorder implements CallObserver {
    final List<Progress> progress = Collections.synchronizedList(new ArrayList<>());
    final List<ChunkEvent> chunks = Collections.synchronizedList(new ArrayList<>());
    volatile @Nullable CallStats stats;
    volatile int calls;

    @Override
    public void onProgress(Progress p) {
      progress.add(p);
    }

    @Override
    public boolean wantsChunks() {
      return true;
    }

    @Override
    public void onChunk(ChunkEvent chunk) {
      chunks.add(chunk);
    }

    @Override
    public void onFinish(CallStats finished) {
      stats = finished;
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void statisticsCountTheFailedItemUnderFailFast(PoolKind kind) {
    Recorder recorder = new Recorder();
    CountDownLatch othersDone = new CountDownLatch(7);
    List<Integer> items = IntStream.range(0, 8).boxed().toList();
    ProgressListener listener =
        call -> {
          recorder.calls++; // one call: no concurrent onStart
          return recorder;
        };
    MapOptions options = MapOptions.builder().listener(listener).build();
    try (Pool pool = kind.create(8).with(options)) {
      assertThatThrownBy(
              () ->
                  pool.map(
                      items,
                      i -> {
                        if (i == 5) {
                          // Fails only once the seven others have succeeded.
                          assertThat(othersDone.await(60, TimeUnit.SECONDS)).isTrue();
                          throw new IllegalStateException("item 5 fails");
                        }
                        othersDone.countDown();
                        return i;
                      }))
          .isInstanceOf(TaskFailedException.class);
      CallStats stats = recorder.stats;
      assertThat(stats).isNotNull();
      assertThat(stats.ending()).isEqualTo(CallStats.Ending.FAILED);
      assertThat(stats.items()).as("items that finished, successfully or not").isEqualTo(8);
      assertThat(stats.successes()).isEqualTo(7);
      assertThat(stats.failures()).isEqualTo(1);
      assertThat(stats.call().what()).isEqualTo("Pool.map");
      assertThat(recorder.calls).isEqualTo(1);
      Progress last = recorder.progress.get(recorder.progress.size() - 1);
      assertThat(last.done()).isEqualTo(8);
      assertThat(last.failed()).isEqualTo(1);
      assertThat(recorder.chunks.stream().mapToInt(ChunkEvent::done).sum()).isEqualTo(8);
      assertThat(recorder.chunks.stream().mapToInt(ChunkEvent::failed).sum()).isEqualTo(1);
    }
  }
}
