package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.WorkerResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** parmap's JFR events: recorded when enabled, read back from a dumped recording. */
class CallFlightTest {

  @Test
  void theEventsAreDisabledByDefault() {
    Pool.virtual().close(); // registers nothing by itself; make sure the classes are loaded
    new CallFlight.CallEvent();
    new CallFlight.ChunkRunEvent();
    List<EventType> parmap =
        FlightRecorder.getFlightRecorder().getEventTypes().stream()
            .filter(type -> type.getName().startsWith("dev.parmap."))
            .toList();
    assertThat(parmap)
        .extracting(EventType::getName)
        .contains("dev.parmap.Call", "dev.parmap.Chunk");
    assertThat(parmap).noneMatch(EventType::isEnabled);
  }

  @Test
  void aCallAndItsChunksAreRecordedWithTheirFields(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("parmap.jfr");
    List<Integer> items = IntStream.range(0, 1_000).boxed().toList();
    try (Recording recording = new Recording()) {
      recording.enable("dev.parmap.Call");
      recording.enable("dev.parmap.Chunk");
      recording.start();
      try (Pool pool = Pool.threads(2)) {
        pool.map(items, WorkerResource.of(StringBuilder::new).task((b, i) -> i));
        Assertions.assertThatThrownBy(
                () ->
                    pool.map(
                        List.of(1, 2, 3),
                        i -> {
                          if (i == 2) {
                            throw new IllegalStateException("two");
                          }
                          return i;
                        }))
            .isInstanceOf(TaskFailedException.class);
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    List<RecordedEvent> calls =
        events.stream().filter(e -> e.getEventType().getName().equals("dev.parmap.Call")).toList();
    List<RecordedEvent> chunks =
        events.stream().filter(e -> e.getEventType().getName().equals("dev.parmap.Chunk")).toList();
    assertThat(calls).hasSize(2);
    RecordedEvent map = calls.get(0);
    assertThat(map.getString("kind")).isEqualTo("Pool.map");
    assertThat(map.getString("pool")).isEqualTo("Pool.threads(2)");
    assertThat(map.getLong("items")).isEqualTo(1_000);
    assertThat(map.getLong("failures")).isZero();
    assertThat(map.getLong("retries")).isZero();
    assertThat(map.getInt("workerResources")).isBetween(1, 2);
    assertThat(map.getString("ending")).isEqualTo("COMPLETED");
    assertThat(map.getDuration()).isPositive();
    RecordedEvent failed = calls.get(1);
    assertThat(failed.getString("ending")).isEqualTo("FAILED");
    assertThat(failed.getLong("failures")).isEqualTo(1);
    assertThat(failed.getLong("callId")).isNotEqualTo(map.getLong("callId"));

    List<RecordedEvent> mapChunks =
        chunks.stream().filter(c -> c.getLong("callId") == map.getLong("callId")).toList();
    assertThat(mapChunks.stream().mapToLong(c -> c.getInt("items")).sum()).isEqualTo(1_000);
    assertThat(mapChunks)
        .allSatisfy(
            c -> {
              assertThat(c.getThread().getJavaName()).startsWith("parmap-");
              assertThat(c.getLong("firstIndex")).isBetween(0L, 999L);
              assertThat(c.getInt("failures")).isZero();
            });
    assertThat(
            chunks.stream()
                .filter(c -> c.getLong("callId") == failed.getLong("callId"))
                .mapToInt(c -> c.getInt("failures"))
                .sum())
        .isEqualTo(1);
    assertThat(Files.size(file)).isPositive();
  }
}
