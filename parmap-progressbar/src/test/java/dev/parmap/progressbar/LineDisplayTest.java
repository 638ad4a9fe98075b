package dev.parmap.progressbar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.observe.Progress;
import dev.parmap.observe.RunStats;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Lines mode, fed with listener events directly. */
class LineDisplayTest {

  private final Captured out = new Captured();
  private final ConsoleProgress lines =
      ConsoleProgress.builder()
          .name("downloading")
          .output(out.stream)
          .display(ConsoleProgress.Display.LINES)
          .lineInterval(Duration.ofSeconds(5))
          .build();

  static Progress progress(long total, long done, long failed, long retried, long millis) {
    return new Progress(total, done, failed, retried, Duration.ofMillis(millis));
  }

  static RunStats stats(long items, long failures, long retries, long millis) {
    Duration wall = Duration.ofMillis(millis);
    return new RunStats(
        "Pool.map",
        RunStats.Ending.COMPLETED,
        items,
        items - failures,
        failures,
        retries,
        wall,
        wall,
        Map.of("virtual", wall),
        2,
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(3),
        items,
        new TreeMap<>(Map.of(1, items)));
  }

  @Test
  void writesAStartLineAtMostOneProgressLinePerIntervalAndAFinalLine() {
    lines.onStart("Pool.map", 1000);
    lines.onProgress(progress(1000, 10, 0, 0, 100)); // too soon after the start
    lines.onProgress(progress(1000, 400, 2, 5, 5000)); // 5 s: a line
    lines.onProgress(progress(1000, 500, 2, 5, 9900)); // 4.9 s after it: none
    lines.onProgress(progress(1000, 800, 3, 9, 10_000)); // 5 s after it: a line
    lines.onProgress(progress(1000, 1000, 3, 9, 12_500));
    lines.onFinish(stats(1000, 3, 9, 12_500));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started, 1000 items",
            "downloading: 400/1000 (40%), 80.0/s, ETA 7.5s, failed 2, retried 5",
            "downloading: 800/1000 (80%), 80.0/s, ETA 2.5s, failed 3, retried 9",
            "downloading: finished 1000/1000 in 12.5s, 80.0/s, failed 3, retried 9");
  }

  @Test
  void failuresAndRetriesAppearOnlyWhenNotZero() {
    lines.onStart("Pool.map", 10);
    lines.onProgress(progress(10, 5, 0, 0, 5000));
    lines.onFinish(stats(10, 0, 0, 10_000));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started, 10 items",
            "downloading: 5/10 (50%), 1.0/s, ETA 5.0s",
            "downloading: finished 10/10 in 10.0s, 1.0/s");
  }

  @Test
  void anUnknownTotalShowsTheCountWithoutPercentageOrTimeLeft() {
    lines.onStart("Pool.stream", -1);
    lines.onProgress(progress(-1, 250, 1, 0, 5000));
    lines.onFinish(stats(300, 1, 0, 6000));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started",
            "downloading: 250 done, 50.0/s, failed 1",
            "downloading: finished 300 in 6.0s, 50.0/s, failed 1");
  }

  @Test
  void aCallThatStoppedEarlySaysWhere() {
    lines.onStart("Pool.map", 100);
    lines.onFinish(stats(37, 1, 0, 2000));

    assertThat(out.lastLine())
        .isEqualTo("downloading: stopped at 37/100 after 2.0s, 18.5/s, failed 1");
  }

  @Test
  void beforeAnyItemHasFinishedTheRateAndTimeLeftAreUnknown() {
    lines.onStart("Pool.map", 4);
    lines.onProgress(progress(4, 0, 0, 0, 6000));
    lines.onFinish(stats(0, 0, 0, 0));

    assertThat(out.lines())
        .containsExactly(
            "downloading: started, 4 items",
            "downloading: 0/4 (0%), ?/s, ETA ?",
            "downloading: stopped at 0/4 after 0.0s, ?/s");
  }

  @Test
  void longTimesAreWrittenAsHoursMinutesAndSeconds() {
    lines.onStart("Pool.map", 0);
    lines.onFinish(stats(0, 0, 0, 3_723_000));

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
    named.onStart("Pool.map", 2);
    named.onStart("Pool.forEach", 3);
    named.onProgress(progress(3, 3, 0, 0, 1000));
    named.onFinish(stats(3, 0, 0, 1000));
    named.onProgress(progress(2, 1, 0, 0, 2000));
    named.onFinish(stats(2, 0, 0, 2000));

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
  void eventsOfACallItDidNotSeeStartAreIgnored() {
    lines.onProgress(progress(1, 1, 0, 0, 9000));
    lines.onFinish(stats(1, 0, 0, 9000));

    assertThat(out.text()).isEmpty();
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
