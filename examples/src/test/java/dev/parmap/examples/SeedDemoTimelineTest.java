package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedDemoTimelineTest {

  @Test
  void theTimelineFlagWritesRoundOneAsAPageWithOneBarPerItemAllRunningAtOnce(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("timeline.html");
    String oldSleep = System.getProperty(SeedDemo.SLEEP_PROPERTY);
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      // Long enough that the four items have all started before the first one ends.
      System.setProperty(SeedDemo.SLEEP_PROPERTY, "300");
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));

      SeedDemo.main(new String[] {SeedDemo.TIMELINE_FLAG, file.toString()});
    } finally {
      System.setOut(oldOut);
      if (oldSleep == null) {
        System.clearProperty(SeedDemo.SLEEP_PROPERTY);
      } else {
        System.setProperty(SeedDemo.SLEEP_PROPERTY, oldSleep);
      }
    }

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("timeline of this round written to " + file.toAbsolutePath());
    Document page = Jsoup.parse(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(page.title()).isEqualTo("parmap timeline: Pool.map");
    List<Element> bars = page.select("svg rect.chunk");
    // Each item is slow, so each runs as a chunk of its own on a virtual thread of its own, and
    // since all four run at once, each gets a row of its own.
    assertThat(bars).hasSize(SeedDemo.ITEMS.size());
    assertThat(bars.stream().map(bar -> bar.attr("data-first-index")))
        .containsExactlyInAnyOrder("0", "1", "2", "3");
    assertThat(bars).allMatch(bar -> bar.attr("data-done").equals("1"));
    assertThat(bars).allMatch(bar -> bar.attr("data-thread").startsWith("parmap-virtual-"));
    assertThat(page.select("g.row").eachAttr("data-row-name"))
        .containsExactly("virtual 1", "virtual 2", "virtual 3", "virtual 4");
    assertThat(page.select("rect.chunk.failed, rect.chunk.retried")).isEmpty();
  }

  @Test
  void argumentsOtherThanTheTimelineFlagAreRefused() {
    assertThatThrownBy(() -> SeedDemo.main(new String[] {SeedDemo.TIMELINE_FLAG}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("usage: SeedDemo [--timeline FILE]");
    assertThatThrownBy(() -> SeedDemo.main(new String[] {"--verbose"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
