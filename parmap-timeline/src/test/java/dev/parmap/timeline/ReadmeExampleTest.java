package dev.parmap.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Timeline" example of docs/seeing-the-run.md, kept compiling and working. */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleWritesAPageAndATrace(@TempDir Path dir) throws Exception {
    List<String> urls = List.of("https://a.example", "https://b.example", "https://c.example");
    Path html = dir.resolve("timeline.html");
    Path json = dir.resolve("timeline.json");

    // docs/seeing-the-run.md, "Timeline" (the files in a temporary directory here).
    TimelineRecorder recorder = new TimelineRecorder();
    try (Pool pool = Pool.virtual(8).with(MapOptions.builder().listener(recorder).build())) {
      pool.map(urls, url -> fetch(url));
    }
    recorder.timeline().writeHtml(html); // open it in a browser
    recorder.timeline().writeChromeTrace(json); // open it in Perfetto

    assertThat(Files.readString(html)).contains("<rect class=\"chunk");
    assertThat(Files.readString(json)).contains("\"traceEvents\"");
    assertThat(recorder.timeline().chunks().stream().mapToInt(c -> c.done()).sum()).isEqualTo(3);
  }

  private static String fetch(String url) throws InterruptedException {
    Thread.sleep(Duration.ofMillis(20));
    return "<page of " + url + ">";
  }
}
