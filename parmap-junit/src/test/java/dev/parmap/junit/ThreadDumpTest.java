package dev.parmap.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parmap.junit.ThreadDump.DumpedThread;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadDumpTest {

  private static List<DumpedThread> parse(String json) throws IOException {
    return ThreadDump.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsTheThreadsOfEveryContainerWhateverTheOrderOfTheirFields() throws IOException {
    String json =
        """
        {"threadDump": {"processId": "1", "threadContainers": [
          {"container": "<root>", "parent": null, "threads": [
            {"tid": "3", "time": "t", "name": "main", "state": "RUNNABLE", "stack": ["a.B.c(B.java:1)"]}
          ], "threadCount": "1"},
          {"container": "pool", "threads": [
            {"stack": ["java.base\\/java.lang.VirtualThread.park(VirtualThread.java:1)"],
             "name": "parmap-\\"quoted\\" \\u00e9", "owner": {"nested": [1, {"threads": 0}]},
             "virtual": true, "tid": 23}
          ]}
        ]}}
        """;

    assertEquals(
        List.of(
            new DumpedThread(3, "main", false, List.of("a.B.c(B.java:1)")),
            new DumpedThread(
                23,
                "parmap-\"quoted\" é",
                true,
                List.of("java.base/java.lang.VirtualThread.park(VirtualThread.java:1)"))),
        parse(json));
  }

  @Test
  void skipsThreadsWithoutIdOrName() throws IOException {
    assertEquals(
        List.of(),
        parse("{\"threads\": [{\"name\": \"no id\"}, {\"tid\": \"4\"}], \"other\": []}"));
  }

  @Test
  void readsTheJvmsOwnDump() {
    assertEquals(
        1,
        ThreadDump.take().stream()
            .filter(t -> t.id() == Thread.currentThread().threadId())
            .filter(t -> t.name().equals(Thread.currentThread().getName()))
            .count());
  }
}
