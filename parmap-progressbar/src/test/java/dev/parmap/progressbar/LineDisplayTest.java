package dev.parmap.progressbar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.Progress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lines mode, fed with listener and observer events directly. */
class LineDisplayTest {

  private final Captured out = new Captured();
  private final ConsoleProgress lines =
      ConsoleProgress.builder()
          .name("downloading")
          .output(out.stream)
          .display(ConsoleProgress.Display.LINES)
          .lineInterval(Duration.ofSeconds(5))
          .build();

  static CallInfo call(String what, long total) {
    return CallInfo.builder(what).pool("Pool.virtual()").total(total).build();
  }

  static Progress progress(long total, long done, long failed, long retried, long millis) {
    return Progress.builder()
        .total(total)
        .counts(done, failed, retried)
        .elapsed(Duration.ofMillis(millis))
        .build();
  }

  static CallStats stats(long items, long failures, long retries, long millis) {
    Duration wall = Duration.ofMillis(millis);
    return CallStats.builder(call("Pool.map", items), CallStats.Ending.COMPLETED)
        .counts(items, failures, retries)
        .time(wall, wall, Map.of("virtual", wall))
        .parallelism(2)
        .latency(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3))
        .chunks(items, Map.of(1, items))
        .build();
  }

  @Test
  void writesAStartLineAtMostOneProgressLinePerIntervalAndAFinalLine() {
    CallObserver call = lines.onStart(call("Pool.map", 1000));
    call.onProgress(progress(1000, 10, 0, 0, 100)); // too soon after the start
    call.onProgress(progress(1000, 400, 2, 5, 5000)); // 5 s: a line
    call.onProgress(progress(1000, 500, 2, 5, 9900)); // 4.9 s after it: none
    call.onProgress(progress(1000, 800, 3, 9, 10_000)); // 5 s after it: a line
    call.onProgress(progress(1000, 1000, 3, 9, 12_500));
    call.onFinish(stats(1000, 3, 9, 12_500));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started, 1000 items",
            "downloading: 400/1000 (40%), 80.0/s, ETA 7.5s, failed 2, retried 5",
            "downloading: 800/1000 (80%), 80.0/s, ETA 2.5s, failed 3, retried 9",
            "downloading: finished 1000/1000 in 12.5s, 80.0/s, failed 3, retried 9");
  }

  @Test
  void failuresAndRetriesAppearOnlyWhenNotZero() {
    CallObserver call = lines.onStart(call("Pool.map", 10));
    call.onProgress(progress(10, 5, 0, 0, 5000));
    call.onFinish(stats(10, 0, 0, 10_000));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started, 10 items",
            "downloading: 5/10 (50%), 1.0/s, ETA 5.0s",
            "downloading: finished 10/10 in 10.0s, 1.0/s");
  }

  @Test
  void anUnknownTotalShowsTheCountWithoutPercentageOrTimeLeft() {
    CallObserver call = lines.onStart(call("Pool.stream", -1));
    call.onProgress(progress(-1, 250, 1, 0, 5000));
    call.onFinish(stats(300, 1, 0, 6000));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started",
            "downloading: 250 done, 50.0/s, failed 1",
            "downloading: finished 300 in 6.0s, 50.0/s, failed 1");
  }

  @Test
  void aCallThatStoppedEarlySaysWhere() {
    CallObserver call = lines.onStart(call("Pool.map", 100));
    call.onFinish(stats(37, 1, 0, 2000));

    assertThat(out.lastLine())
        .isEqualTo("downloading: stopped at 37/100 after 2.0s, 18.5/s, failed 1");
  }

  @Test
  void beforeAnyItemHasFinishedTheRateAndTimeLeftAreUnknown() {
    CallObserver call = lines.onStart(call("Pool.map", 4));
    call.onProgress(progress(4, 0, 0, 0, 6000));
    call.onFinish(stats(0, 0, 0, 0));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started, 4 items",
            "downloading: 0/4 (0%), ?/s, ETA ?",
            "downloading: stopped at 0/4 after 0.0s, ?/s");
  }

  @Test
  void longTimesAreWrittenAsHoursMinutesAndSeconds() {
    CallObserver call = lines.onStart(call("Pool.map", 0));
    call.onFinish(stats(0, 0, 0, 3_723_000));

    assertThat(out.lastLine()).isEqualTo("downloading: finished 0/0 in 1:02:03, ?/s");
  }

  @Test
  void nestedCallsOnOneThreadEachGetTheirLinesAndTheOuterOneResumes() {
    ConsoleProgress named =
        ConsoleProgress.builder()
            .output(out.stream)
            .display(ConsoleProgress.Display.LINES)
            .lineInterval(Duration.ofMillis(1))
            .build();
    CallObserver outer = named.onStart(call("Pool.map", 2));
    CallObserver inner = named.onStart(call("Pool.forEach", 3));
    inner.onProgress(progress(3, 3, 0, 0, 1000));
    inner.onFinish(stats(3, 0, 0, 1000));
    outer.onProgress(progress(2, 1, 0, 0, 2000));
    outer.onFinish(stats(2, 0, 0, 2000));

    assertThat(out.lines())
        .containsExactly(
            "Pool.map: started, 2 items",
            "Pool.forEach: started, 3 items",
            "Pool.forEach: 3/3 (100%), 3.0/s, ETA 0.0s",
            "Pool.forEach: finished 3/3 in 1.0s, 3.0/s",
            "Pool.map: 1/2 (50%), 0.5/s, ETA 2.0s",
            "Pool.map: finished 2/2 in 2.0s, 1.0/s");
  }

  @Test
  void callsInterleavedOnOneThreadEachUpdateTheirOwnLines() {
    ConsoleProgress named =
        ConsoleProgress.builder()
            .output(out.stream)
            .display(ConsoleProgress.Display.LINES)
            .lineInterval(Duration.ofMillis(1))
            .build();
    CallObserver first = named.onStart(call("Pool.stream", 30));
    CallObserver second = named.onStart(call("Pool.stream", 50));
    first.onProgress(progress(30, 10, 0, 0, 1000));
    second.onProgress(progress(50, 25, 0, 0, 1000));
    first.onFinish(stats(30, 0, 0, 2000));
    second.onProgress(progress(50, 40, 0, 0, 2000));
    second.onFinish(stats(50, 0, 0, 2500));

    assertThat(out.lines())
        .containsExactly(
            "Pool.stream: started, 30 items",
            "Pool.stream: started, 50 items",
            "Pool.stream: 10/30 (33%), 10.0/s, ETA 2.0s",
            "Pool.stream: 25/50 (50%), 25.0/s, ETA 1.0s",
            "Pool.stream: finished 30/30 in 2.0s, 15.0/s",
            "Pool.stream: 40/50 (80%), 20.0/s, ETA 0.5s",
            "Pool.stream: finished 50/50 in 2.5s, 20.0/s");
  }

  @Test
  void theBuilderRejectsNullsAndIntervalsThatAreNotPositive() {
    ConsoleProgress.Builder builder = ConsoleProgress.builder();
    assertThatThrownBy(() -> builder.lineInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lineInterval must be positive");
    assertThatThrownBy(() -> builder.lineInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.name(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.output(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.display(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.lineInterval(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void toStringNamesTheSettings() {
    assertThat(ConsoleProgress.bar("x").toString())
        .isEqualTo("ConsoleProgress[name=x, display=AUTO, lineInterval=PT5S]");
    assertThat(lines.toString()).startsWith("ConsoleProgress[name=downloading, display=LINES");
  }
}
