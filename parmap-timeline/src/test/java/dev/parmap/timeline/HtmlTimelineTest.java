package dev.parmap.timeline;

import static dev.parmap.timeline.Runs.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.observe.ChunkEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlTimelineTest {
  private static Timeline run;

  @BeforeAll
  static void record() {
    run = Runs.virtualRunWithFailuresAndRetries();
  }

  @Test
  void thereIsOneRectPerChunkWhoseDataAttributesAreTheRecordedChunk() {
    Document page = Jsoup.parse(run.toHtml());
    List<Element> rects = page.select("svg rect.chunk");

    assertThat(rects).hasSize(run.chunks().size());
    Map<Long, ChunkEvent> byIndex = new HashMap<>();
    run.chunks().forEach(chunk -> byIndex.put(chunk.firstIndex(), chunk));
    for (Element rect : rects) {
      ChunkEvent chunk = byIndex.remove(Long.parseLong(rect.attr("data-first-index")));
      assertThat(chunk).as("the chunk of %s, once", rect).isNotNull();
      assertThat(rect.attr("data-size")).isEqualTo(Integer.toString(chunk.size()));
      assertThat(rect.attr("data-done")).isEqualTo(Integer.toString(chunk.done()));
      assertThat(rect.attr("data-failed")).isEqualTo(Integer.toString(chunk.failed()));
      assertThat(rect.attr("data-retries")).isEqualTo(Integer.toString(chunk.retries()));
      assertThat(rect.attr("data-thread")).isEqualTo(chunk.thread());
      assertThat(new BigDecimal(rect.attr("data-start-us")))
          .isEqualByComparingTo(BigDecimal.valueOf(chunk.startNanos(), 3));
      assertThat(new BigDecimal(rect.attr("data-dur-us")))
          .isEqualByComparingTo(BigDecimal.valueOf(chunk.endNanos() - chunk.startNanos(), 3));
      assertThat(rect.hasClass("failed")).isEqualTo(chunk.failed() > 0);
      assertThat(rect.hasClass("retried")).isEqualTo(chunk.retries() > 0);
      assertThat(rect.selectFirst("title")).isNotNull();
      assertThat(rect.selectFirst("title").text()).startsWith(Text.items(chunk) + ", ");
    }
    assertThat(byIndex).isEmpty();
    assertThat(page.select("rect.chunk.failed")).isNotEmpty();
    assertThat(page.select("rect.chunk.retried")).isNotEmpty();
  }

  @Test
  void eachRowIsAGroupOfItsChunksThatNeverOverlap() {
    Document page = Jsoup.parse(run.toHtml());
    List<Element> groups = page.select("svg g.row");

    assertThat(groups)
        .extracting(g -> g.attr("data-row-name"))
        .containsExactlyElementsOf(run.rows().stream().map(Timeline.Row::name).toList());
    for (int i = 0; i < groups.size(); i++) {
      Element group = groups.get(i);
      assertThat(group.selectFirst("text.label").ownText()).isEqualTo(run.rows().get(i).name());
      List<Element> rects = new ArrayList<>(group.select("rect.chunk"));
      assertThat(rects.stream().map(r -> Long.parseLong(r.attr("data-first-index"))))
          .containsExactlyElementsOf(
              run.rows().get(i).chunks().stream().map(ChunkEvent::firstIndex).toList());
      for (int j = 1; j < rects.size(); j++) {
        BigDecimal previousEnd =
            new BigDecimal(rects.get(j - 1).attr("data-start-us"))
                .add(new BigDecimal(rects.get(j - 1).attr("data-dur-us")));
        assertThat(new BigDecimal(rects.get(j).attr("data-start-us")))
            .isGreaterThanOrEqualTo(previousEnd);
      }
    }
  }

  @Test
  void thePageIsSelfContained() {
    String html = run.toHtml();
    Document page = Jsoup.parse(html);

    for (Element element : page.select("[src], [href], [xlink:href]")) {
      assertThat(element.attributes().asList())
          .noneMatch(a -> a.getValue().matches("(?i)\\s*(https?:)?//.*"));
    }
    assertThat(html).doesNotContain("http://").doesNotContain("https://");
    assertThat(page.select("link, img, iframe, object, embed")).isEmpty();
    assertThat(page.select("script[src], style[src]")).isEmpty();
    assertThat(page.select("script")).hasSize(1);
    assertThat(page.select("style")).hasSize(1);
  }

  @Test
  void theHeaderSummarisesTheRunStatsAndTheAxisIsLabelledInTime() {
    Document page = Jsoup.parse(run.toHtml());

    assertThat(page.title()).isEqualTo("parmap timeline: Pool.mapOutcomes");
    String header = page.selectFirst("header").text();
    assertThat(header)
        .contains("200 items: 195 ok")
        .contains(Runs.EXPECTED_FAILURES + " failed")
        .contains(Runs.EXPECTED_RETRIES + " retries")
        .contains(run.stats().chunks() + " chunks")
        .contains(run.rows().size() + " rows");
    List<String> ticks = page.select("text.tick").eachText();
    assertThat(ticks).hasSizeBetween(4, 12).first().isEqualTo("0");
    assertThat(ticks.subList(1, ticks.size())).allMatch(t -> t.matches("[0-9.]+ (ns|µs|ms|s)"));
  }

  @Test
  void threadNamesAreEscapedEverywhere() {
    String name = "<script>alert(\"x\")</script> & 'y'";
    List<ChunkEvent> chunks = List.of(chunk(name, false, 0, 0, 5));
    String html = Timeline.of(chunks, Runs.stats("<b>what</b>", chunks)).toHtml();
    Document page = Jsoup.parse(html);

    assertThat(html).doesNotContain("<script>alert").doesNotContain("<b>what");
    assertThat(page.select("script")).hasSize(1);
    assertThat(page.select("b:containsOwn(what)")).isEmpty();
    assertThat(page.selectFirst("g.row").attr("data-row-name")).isEqualTo(name);
    assertThat(page.selectFirst("text.label").ownText()).isEqualTo(name);
    assertThat(page.selectFirst("rect.chunk").attr("data-thread")).isEqualTo(name);
    assertThat(page.selectFirst("rect.chunk title").text()).contains("thread " + name);
    assertThat(page.title()).isEqualTo("parmap timeline: <b>what</b>");
  }

  @Test
  void aChunkCutShortWithoutAFailureIsMarkedStoppedAndTheHoverTextSaysSo() {
    ChunkEvent cut =
        ChunkEvent.builder()
            .thread("v", true)
            .items(10, 5)
            .counts(2, 0, 0)
            .time(1_000, 12_346_000)
            .build();
    ChunkEvent failed =
        ChunkEvent.builder().thread("v", true).items(20, 1).counts(1, 1, 2).time(0, 500).build();
    List<ChunkEvent> chunks = List.of(cut, failed);
    Document page = Jsoup.parse(Timeline.of(chunks, Runs.stats("Pool.map", chunks)).toHtml());

    Element cutRect = page.selectFirst("rect[data-first-index=10]");
    assertThat(cutRect.classNames()).containsExactlyInAnyOrder("chunk", "stopped");
    assertThat(cutRect.selectFirst("title").wholeText())
        .isEqualTo("items #10–#14, 12.3 ms, done 2 of 5\nvirtual thread v, started at 1.0 µs");
    Element failedRect = page.selectFirst("rect[data-first-index=20]");
    assertThat(failedRect.classNames()).containsExactlyInAnyOrder("chunk", "failed", "retried");
    assertThat(failedRect.selectFirst("title").wholeText())
        .isEqualTo("item #20, 500 ns, failed 1, retries 2\nvirtual thread v, started at 0 ns");
  }

  @Test
  void aNameTooLongForTheLabelColumnKeepsItsEndAndShowsInFullOnHover() {
    String name = "a-thread-pool-with-a-very-long-name-indeed-worker-17";
    List<ChunkEvent> chunks = List.of(chunk(name, false, 0, 0, 5));
    Document page = Jsoup.parse(Timeline.of(chunks, Runs.stats("Pool.map", chunks)).toHtml());

    Element label = page.selectFirst("text.label");
    assertThat(label.ownText())
        .startsWith("…")
        .endsWith("indeed-worker-17")
        .hasSizeLessThan(name.length());
    assertThat(label.selectFirst("title").text()).isEqualTo(name);
    assertThat(page.selectFirst("g.row").attr("data-row-name")).isEqualTo(name);
  }

  @Test
  void aRunOnTwoPlatformThreadsHasTwoRowsNamedAfterTheThreads() {
    Timeline timeline = Runs.twoThreadRun();
    Document page = Jsoup.parse(timeline.toHtml());

    List<String> rows = page.select("g.row").eachAttr("data-row-name");
    assertThat(rows)
        .hasSize(2)
        .allMatch(name -> name.startsWith("parmap-threads-"))
        .containsExactlyInAnyOrderElementsOf(
            timeline.chunks().stream().map(ChunkEvent::thread).distinct().toList());
    for (Element group : page.select("g.row")) {
      assertThat(group.select("rect.chunk").eachAttr("data-thread"))
          .isNotEmpty()
          .allMatch(thread -> thread.equals(group.attr("data-row-name")));
    }
  }

  @Test
  void writeHtmlWritesTheSamePageToAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("timeline.html");

    run.writeHtml(file);

    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(run.toHtml());
  }

  @Test
  void durationsAndTicksReadNaturally() {
    assertThat(Text.duration(999)).isEqualTo("999 ns");
    assertThat(Text.duration(12_500)).isEqualTo("12.5 µs");
    assertThat(Text.duration(12_340_000)).isEqualTo("12.3 ms");
    assertThat(Text.duration(1_234_000_000)).isEqualTo("1.23 s");
    assertThat(HtmlTimeline.tickStep(5_000_000_000L)).isEqualTo(1_000_000_000L);
    assertThat(HtmlTimeline.tickStep(80_000_000L)).isEqualTo(10_000_000L);
    assertThat(HtmlTimeline.tickStep(30_000L)).isEqualTo(5_000L);
    assertThat(HtmlTimeline.tickStep(3)).isEqualTo(1);
    assertThat(HtmlTimeline.tickLabel(2_500_000_000L, 500_000_000L)).isEqualTo("2500 ms");
    assertThat(HtmlTimeline.tickLabel(3_000_000_000L, 1_000_000_000L)).isEqualTo("3 s");
    assertThat(HtmlTimeline.tickLabel(15_000, 5_000)).isEqualTo("15 µs");
    assertThat(HtmlTimeline.tickLabel(7, 1)).isEqualTo("7 ns");
  }
}
