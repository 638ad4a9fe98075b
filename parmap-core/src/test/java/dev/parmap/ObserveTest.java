package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.engine.FakeTicker;
import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Progress events, call statistics and context propagation. */
class ObserveTest {

  /** Records every event of the one call it follows, and whether two ever overlapped. */
  static final class Recorder implements ProgressListener, CallObserver {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<ChunkEvent> chunks = Collections.synchronizedList(new ArrayList<>());
    final List<Progress> progress = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean overlapped = new AtomicBoolean();
    final AtomicInteger inside = new AtomicInteger();
    volatile long total = -2;
    volatile String pool = "";
    volatile CallStats stats;

    private void enter() {
      if (inside.incrementAndGet() > 1) {
        overlapped.set(true);
      }
    }

    private void exit() {
      inside.decrementAndGet();
    }

    @Override
    public CallObserver onStart(CallInfo call) {
      enter();
      this.total = call.total();
      this.pool = call.pool();
      events.add("start " + call.what());
      exit();
      return this;
    }

    @Override
    public void onProgress(Progress p) {
      enter();
      progress.add(p);
      exit();
    }

    @Override
    public boolean wantsChunks() {
      return true;
    }

    @Override
    public void onChunk(ChunkEvent chunk) {
      enter();
      chunks.add(chunk);
      exit();
    }

    @Override
    public void onFinish(CallStats stats) {
      enter();
      this.stats = stats;
      events.add("finish");
      exit();
    }
  }

  @Test
  void theListenerSeesStartChunksProgressAndFinishInOrderAndNeverConcurrently() {
    Recorder recorder = new Recorder();
    MapOptions options =
        MapOptions.builder().listener(recorder).progressInterval(Duration.ofNanos(1)).build();
    int n = 50_000;
    try (Pool pool = Pool.virtual().with(options)) {
      assertThat(pool.map(IntStream.range(0, n).boxed().toList(), i -> i + 1)).hasSize(n);
    }
    assertThat(recorder.overlapped).isFalse();
    assertThat(recorder.events).containsExactly("start Pool.map", "finish");
    assertThat(recorder.total).isEqualTo(n);
    assertThat(recorder.pool).isEqualTo("Pool.virtual()");
    assertThat(recorder.chunks.stream().mapToLong(ChunkEvent::done).sum()).isEqualTo(n);
    assertThat(recorder.chunks)
        .allSatisfy(
            c -> {
              assertThat(c.thread()).startsWith("parmap-virtual-");
              assertThat(c.virtual()).isTrue();
              assertThat(c.endNanos()).isGreaterThanOrEqualTo(c.startNanos());
            });
    Progress last = recorder.progress.get(recorder.progress.size() - 1);
    assertThat(last.done()).isEqualTo(n);
    assertThat(last.total()).isEqualTo(n);
    CallStats stats = recorder.stats;
    assertThat(stats.call())
        .isEqualTo(CallInfo.builder("Pool.map").pool("Pool.virtual()").total(n).build());
    assertThat(stats.items()).isEqualTo(n);
    assertThat(stats.successes()).isEqualTo(n);
    assertThat(stats.chunks()).isEqualTo(recorder.chunks.size());
    assertThat(stats.chunkSizes().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(stats.chunks());
    assertThat(stats.meanChunkSize()).isGreaterThan(1); // cheap items were grouped
  }

  @Test
  void progressOfALazyInputHasAnUnknownTotal() {
    Recorder recorder = new Recorder();
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(recorder).build());
        Stream<Long> results = pool.stream(() -> LongStream.range(0, 1000).iterator(), x -> x)) {
      assertThat(results.count()).isEqualTo(1000);
    }
    assertThat(recorder.total).isEqualTo(-1);
    assertThat(recorder.events).containsExactly("start Pool.stream", "finish");
    assertThat(recorder.stats.items()).isEqualTo(1000);
  }

  @Test
  void statisticsCountFailuresAndRetries() {
    Recorder recorder = new Recorder();
    MapOptions options =
        MapOptions.builder()
            .listener(recorder)
            .retry(Retry.builder().maxAttempts(3).build())
            .build();
    try (Pool pool = Pool.threads(2).clockedBy(new FakeTicker(true)).with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              IntStream.range(0, 10).boxed().toList(),
              i -> {
                if (i < 3) {
                  throw new IOException("always " + i);
                }
                return i;
              });
      assertThat(outcomes.failures()).hasSize(3);
    }
    CallStats stats = recorder.stats;
    assertThat(stats.ending()).isEqualTo(CallStats.Ending.COMPLETED);
    assertThat(stats.items()).isEqualTo(10);
    assertThat(stats.failures()).isEqualTo(3);
    assertThat(stats.successes()).isEqualTo(7);
    assertThat(stats.retries()).isEqualTo(6); // 3 failing items x 2 retries
    assertThat(stats.busyTimeByThread().keySet()).allMatch(t -> t.startsWith("parmap-threads-"));
    Progress last = recorder.progress.get(recorder.progress.size() - 1);
    assertThat(last.failed()).isEqualTo(3);
    assertThat(last.retried()).isEqualTo(6);
  }

  @Test
  void everyCallHandsItsOwnStatisticsToItsObserver() {
    List<CallStats> finished = Collections.synchronizedList(new ArrayList<>());
    MapOptions options =
        MapOptions.builder().listener(ProgressListener.onFinish(finished::add)).build();
    try (Pool pool = Pool.virtual().with(options)) {
      assertThat(finished).isEmpty();
      pool.forEach(IntStream.range(0, 1000).boxed().toList(), i -> {});
      assertThat(finished).hasSize(1);
      CallStats stats = finished.get(0);
      assertThat(stats.call().what()).isEqualTo("Pool.forEach");
      assertThat(stats.call().total()).isEqualTo(1000);
      assertThat(stats.items()).isEqualTo(1000);
      assertThat(stats.wallTime()).isPositive();
      assertThat(stats.latencyP50()).isLessThanOrEqualTo(stats.latencyP95());
      assertThat(stats.latencyP95()).isLessThanOrEqualTo(stats.latencyP99());
      assertThat(stats.throughput()).isPositive();
      assertThat(stats.utilisation()).isGreaterThanOrEqualTo(0);
      assertThat(stats.toString()).contains("Pool.forEach completed: 1000 items");
      assertThat(stats.ending()).isEqualTo(CallStats.Ending.COMPLETED);
      pool.map(List.of(1, 2), i -> i);
      assertThat(finished)
          .extracting(s -> s.call().what())
          .containsExactly("Pool.forEach", "Pool.map");
      assertThat(finished.get(1).items()).isEqualTo(2);
    }
  }

  @Test
  void callsRunningAtOnceOnOnePoolEachGetTheirOwnObserverAndStatistics() throws Exception {
    List<CallStats> finished = Collections.synchronizedList(new ArrayList<>());
    List<String> mixedUp = Collections.synchronizedList(new ArrayList<>());
    ProgressListener listener =
        call ->
            new CallObserver() {
              long done;

              @Override
              public boolean wantsChunks() {
                return true;
              }

              @Override
              public void onChunk(ChunkEvent chunk) {
                done += chunk.done();
                if (chunk.firstIndex() + chunk.size() > call.total()) {
                  mixedUp.add(call + " got " + chunk);
                }
              }

              @Override
              public void onFinish(CallStats stats) {
                if (!stats.call().equals(call) || stats.items() != done) {
                  mixedUp.add(call + " finished with " + stats);
                }
                finished.add(stats);
              }
            };
    java.util.concurrent.CyclicBarrier bothRunning = new java.util.concurrent.CyclicBarrier(2);
    try (Pool pool = Pool.threads(4).with(MapOptions.builder().listener(listener).build())) {
      Thread other =
          Thread.ofPlatform()
              .start(
                  () ->
                      pool.map(
                          IntStream.range(0, 300).boxed().toList(),
                          i -> {
                            if (i == 0) {
                              bothRunning.await(60, java.util.concurrent.TimeUnit.SECONDS);
                            }
                            return i;
                          }));
      pool.map(
          IntStream.range(0, 100).boxed().toList(),
          i -> {
            if (i == 0) {
              bothRunning.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            return i;
          });
      other.join();
    }
    assertThat(mixedUp).isEmpty();
    assertThat(finished).extracting(CallStats::items).containsExactlyInAnyOrder(100L, 300L);
    assertThat(finished).allSatisfy(s -> assertThat(s.items()).isEqualTo(s.call().total()));
  }

  @Test
  void twoStreamsReadAlternatelyOnOneThreadEachHaveTheirOwnObserver() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    ProgressListener listener =
        call -> {
          String name = call.what() + "/" + call.total();
          events.add("start " + name);
          return new CallObserver() {
            long done;

            @Override
            public boolean wantsChunks() {
              return true;
            }

            @Override
            public void onChunk(ChunkEvent chunk) {
              done += chunk.done();
            }

            @Override
            public void onFinish(CallStats stats) {
              events.add("finish " + name + " " + done + " " + stats.items());
            }
          };
        };
    try (Pool pool = Pool.threads(2).with(MapOptions.builder().listener(listener).build());
        Stream<Integer> small = pool.stream(IntStream.range(0, 30).boxed().toList(), i -> i);
        Stream<Integer> large = pool.stream(IntStream.range(0, 50).boxed().toList(), i -> -i)) {
      java.util.Iterator<Integer> a = small.iterator();
      java.util.Iterator<Integer> b = large.iterator();
      int read = 0;
      while (a.hasNext() || b.hasNext()) {
        if (a.hasNext()) {
          assertThat(a.next()).isGreaterThanOrEqualTo(0);
          read++;
        }
        if (b.hasNext()) {
          assertThat(b.next()).isLessThanOrEqualTo(0);
          read++;
        }
      }
      assertThat(read).isEqualTo(80);
    }
    assertThat(events)
        .containsExactlyInAnyOrder(
            "start Pool.stream/30",
            "start Pool.stream/50",
            "finish Pool.stream/30 30 30",
            "finish Pool.stream/50 50 50");
  }

  @Test
  void aListenerThatThrowsStopsTheCallWithThatCause() {
    IllegalStateException broken = new IllegalStateException("listener bug");
    ProgressListener throwing =
        call -> {
          throw broken;
        };
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(throwing).build())) {
      ParmapException failure =
          catchThrowableOfType(ParmapException.class, () -> pool.map(List.of(1, 2, 3), i -> i));
      assertThat(failure.getCause()).isSameAs(broken);
      assertThat(failure).hasMessageContaining("progress listener threw");
    }
  }

  @Test
  void anObserverThatThrowsStopsTheCallWithThatCauseAndTheCallEndsFailed() {
    IllegalStateException broken = new IllegalStateException("observer bug");
    List<CallStats> finished = Collections.synchronizedList(new ArrayList<>());
    ProgressListener listener =
        call ->
            new CallObserver() {
              @Override
              public boolean wantsChunks() {
                return true;
              }

              @Override
              public void onChunk(ChunkEvent chunk) {
                throw broken;
              }

              @Override
              public void onFinish(CallStats stats) {
                finished.add(stats);
              }
            };
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(listener).build())) {
      ParmapException failure =
          catchThrowableOfType(ParmapException.class, () -> pool.map(List.of(1, 2, 3), i -> i));
      assertThat(failure.getCause()).isSameAs(broken);
      assertThat(failure).hasMessageContaining("progress listener threw");
    }
    assertThat(finished)
        .singleElement()
        .extracting(CallStats::ending)
        .isEqualTo(CallStats.Ending.FAILED);
  }

  /** A context kept in a plain thread local, as a logging MDC is. */
  static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

  static final ContextPropagator REQUEST_PROPAGATOR =
      () -> {
        String captured = REQUEST.get();
        return () -> {
          String previous = REQUEST.get();
          REQUEST.set(captured);
          return () -> {
            if (previous == null) {
              REQUEST.remove();
            } else {
              REQUEST.set(previous);
            }
          };
        };
      };

  @Test
  void theCallersContextIsVisibleInEveryTaskAndClearedAfterwards() throws Exception {
    MapOptions options = MapOptions.builder().propagate(REQUEST_PROPAGATOR).build();
    REQUEST.set("request-42");
    try (Pool pool = Pool.threads(2)) {
      List<String> seen =
          pool.with(options).map(IntStream.range(0, 100).boxed().toList(), i -> REQUEST.get());
      assertThat(seen).hasSize(100).containsOnly("request-42");
      // The pool's threads do not keep the context after the call.
      List<String> after =
          pool.map(IntStream.range(0, 100).boxed().toList(), i -> String.valueOf(REQUEST.get()));
      assertThat(after).containsOnly("null");
    } finally {
      REQUEST.remove();
    }
  }

  @Test
  void aContextThatFailsToApplyFailsTheChunksFirstItem() {
    ContextPropagator broken =
        () ->
            () -> {
              throw new IllegalStateException("cannot apply");
            };
    try (Pool pool = Pool.virtual().with(MapOptions.builder().propagate(broken).build())) {
      TaskFailedException failure =
          catchThrowableOfType(TaskFailedException.class, () -> pool.map(List.of("a"), s -> s));
      assertThat(failure.index()).isZero();
      assertThat(failure.getCause()).hasMessage("cannot apply");
    }
  }
}
