package dev.parmap.timeline;

import static dev.parmap.timeline.Runs.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parmap.observe.ChunkEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromeTraceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Timeline run;

  @BeforeAll
  static void record() {
    run = Runs.virtualRunWithFailuresAndRetries();
  }

  @Test
  void theTraceHasOneCompleteEventPerChunkWithItsTimesInMicrosecondsAndItsCounts()
      throws Exception {
    JsonNode trace = JSON.readTree(run.toChromeTraceJson());
    List<JsonNode> complete = events(trace, "X");

    assertThat(complete).hasSize(run.chunks().size());
    Map<Long, ChunkEvent> byIndex = new HashMap<>();
    run.chunks().forEach(chunk -> byIndex.put(chunk.firstIndex(), chunk));
    for (JsonNode event : complete) {
      JsonNode args = event.get("args");
      ChunkEvent chunk = byIndex.remove(args.get("firstIndex").asLong());
      assertThat(chunk).as("the chunk of %s, once", event).isNotNull();
      assertThat(event.get("ts").decimalValue())
          .isEqualByComparingTo(BigDecimal.valueOf(chunk.startNanos(), 3));
      assertThat(event.get("dur").decimalValue())
          .isEqualByComparingTo(BigDecimal.valueOf(chunk.endNanos() - chunk.startNanos(), 3));
      assertThat(args.get("size").asInt()).isEqualTo(chunk.size());
      assertThat(args.get("done").asInt()).isEqualTo(chunk.done());
      assertThat(args.get("failed").asInt()).isEqualTo(chunk.failed());
      assertThat(args.get("retries").asInt()).isEqualTo(chunk.retries());
      assertThat(args.get("thread").asText()).isEqualTo(chunk.thread());
      assertThat(event.get("pid").asInt()).isEqualTo(1);
      assertThat(event.get("name").asText()).isEqualTo(Text.items(chunk));
      assertThat(event.has("cname")).isEqualTo(chunk.failed() > 0 || chunk.retries() > 0);
    }
    assertThat(byIndex).isEmpty();
  }

  @Test
  void eachRowIsOneTidNamedByMetadataAndHoldsNoOverlappingEvents() throws Exception {
    JsonNode trace = JSON.readTree(run.toChromeTraceJson());

    Map<Integer, String> names = new HashMap<>();
    for (JsonNode meta : events(trace, "M")) {
      if (meta.get("name").asText().equals("thread_name")) {
        names.put(meta.get("tid").asInt(), meta.get("args").get("name").asText());
      }
    }
    List<Timeline.Row> rows = run.rows();
    assertThat(names).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(names).containsEntry(i + 1, rows.get(i).name());
    }
    Map<Integer, List<JsonNode>> byTid = new HashMap<>();
    for (JsonNode event : events(trace, "X")) {
      byTid.computeIfAbsent(event.get("tid").asInt(), tid -> new ArrayList<>()).add(event);
    }
    assertThat(names.keySet()).containsAll(byTid.keySet());
    byTid.forEach(
        (tid, events) -> {
          events.sort((a, b) -> a.get("ts").decimalValue().compareTo(b.get("ts").decimalValue()));
          for (int i = 1; i < events.size(); i++) {
            BigDecimal previousEnd =
                events
                    .get(i - 1)
                    .get("ts")
                    .decimalValue()
                    .add(events.get(i - 1).get("dur").decimalValue());
            assertThat(events.get(i).get("ts").decimalValue()).isGreaterThanOrEqualTo(previousEnd);
          }
        });
    assertThat(events(trace, "M"))
        .anySatisfy(
            meta -> {
              assertThat(meta.get("name").asText()).isEqualTo("process_name");
              assertThat(meta.get("args").get("name").asText())
                  .isEqualTo("parmap Pool.mapOutcomes");
            });
    assertThat(trace.get("otherData").get("failures").asLong()).isEqualTo(Runs.EXPECTED_FAILURES);
    assertThat(trace.get("otherData").get("retries").asLong()).isEqualTo(Runs.EXPECTED_RETRIES);
    assertThat(trace.get("displayTimeUnit").asText()).isEqualTo("ms");
  }

  @Test
  void aRunOnTwoPlatformThreadsHasTwoTidsNamedAfterTheThreads() throws Exception {
    Timeline timeline = Runs.twoThreadRun();
    JsonNode trace = JSON.readTree(timeline.toChromeTraceJson());

    List<String> names =
        events(trace, "M").stream()
            .filter(meta -> meta.get("name").asText().equals("thread_name"))
            .map(meta -> meta.get("args").get("name").asText())
            .toList();
    assertThat(names)
        .hasSize(2)
        .allMatch(name -> name.startsWith("parmap-threads-"))
        .containsExactlyInAnyOrderElementsOf(
            timeline.chunks().stream().map(ChunkEvent::thread).distinct().toList());
    assertThat(events(trace, "X").stream().map(e -> e.get("tid").asInt()).distinct())
        .containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void threadNamesAreEscapedAndReadBackAsTheyWere() throws Exception {
    String name = "w\"x\\y\n</script>\u0001é";
    List<ChunkEvent> chunks = List.of(chunk(name, false, 0, 0, 5));
    JsonNode trace =
        JSON.readTree(Timeline.of(chunks, Runs.stats("Pool.map", chunks)).toChromeTraceJson());

    assertThat(events(trace, "X").getFirst().get("args").get("thread").asText()).isEqualTo(name);
    assertThat(events(trace, "M"))
        .anyMatch(meta -> meta.get("args").path("name").asText().equals(name));
  }

  @Test
  void writeChromeTraceWritesTheSameJsonToAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trace.json");

    run.writeChromeTrace(file);

    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(run.toChromeTraceJson());
    assertThat(JSON.readTree(file.toFile()).get("traceEvents").isArray()).isTrue();
  }

  private static List<JsonNode> events(JsonNode trace, String phase) {
    List<JsonNode> events = new ArrayList<>();
    trace
        .get("traceEvents")
        .forEach(
            e -> {
              if (e.get("ph").asText().equals(phase)) {
                events.add(e);
              }
            });
    return events;
  }
}
