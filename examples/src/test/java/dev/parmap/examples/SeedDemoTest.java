package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SeedDemoTest {

  /**
   * Long enough that the four items of a round have all started before the first one ends, even on
   * a slow machine; short enough that the demo's three rounds take about 2 s on 2 CPUs.
   */
  private static final String SLEEP_MILLIS = "500";

  @Test
  void demoPrintsTheResultsInInputOrderAndRunsTheItemsOfEachParmapRoundAtTheSameTime() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    String oldSleep = System.getProperty(SeedDemo.SLEEP_PROPERTY);
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setProperty(SeedDemo.SLEEP_PROPERTY, SLEEP_MILLIS);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));

      SeedDemo.main(new String[0]);
    } finally {
      System.setOut(oldOut);
      if (oldSleep == null) {
        System.clearProperty(SeedDemo.SLEEP_PROPERTY);
      } else {
        System.setProperty(SeedDemo.SLEEP_PROPERTY, oldSleep);
      }
      root.detachAppender(events);
      events.stop();
    }

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines)
        .filteredOn(line -> line.startsWith("results: "))
        .containsExactly(
            "results: [APPLE, BANANAN, CAKE, DUMPLING]", // Parmap.map
            "results: [APPLE, BANANAN, CAKE, DUMPLING]"); // Pool.threads().map
    assertThat(lines).anyMatch(line -> line.startsWith("One at a time, 4 items x 0.5 s = 2.0 s;"));

    // Each item logs "start" then "end" on a logger named after it: 8 events per round.
    List<String> messages =
        events.list.stream()
            .filter(event -> SeedDemo.ITEMS.contains(event.getLoggerName()))
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(messages).hasSize(3 * 8);
    assertAllStartBeforeAnyEnds(messages.subList(0, 8), "parmap-virtual-"); // Parmap.map
    assertAllStartBeforeAnyEnds(messages.subList(16, 24), "parmap-virtual-"); // Parmap.forEach
    assertThat(messages.subList(8, 16))
        .filteredOn(message -> message.startsWith("start "))
        .allMatch(message -> message.contains(" on parmap-threads-"));
  }

  private static void assertAllStartBeforeAnyEnds(List<String> round, String threadPrefix) {
    assertThat(round.subList(0, 4))
        .allMatch(message -> message.contains(" on " + threadPrefix))
        .map(message -> message.substring("start ".length(), message.indexOf(" on ")))
        .containsExactlyInAnyOrderElementsOf(SeedDemo.ITEMS);
    assertThat(round.subList(4, 8))
        .containsExactlyInAnyOrder("end apple", "end bananan", "end cake", "end dumpling");
  }
}
