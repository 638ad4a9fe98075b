package dev.parmap.junit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JVM's JSON thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}), read with
 * jackson-core's streaming parser. The dump is {@code {"threadDump": {..., "threadContainers":
 * [{..., "threads": [{"tid": "23", "virtual": true, "name": "...", "stack": ["..."], ...}]}]}}};
 * fields are found by name, in any order, and fields this class does not know are skipped, so a JDK
 * that adds or reorders fields does not break it.
 */
final class ThreadDump {

  /** One thread of the dump. */
  record DumpedThread(long id, String name, boolean virtual, List<String> stack) {}

  private static final JsonFactory JSON = new JsonFactory();

  private ThreadDump() {}

  /** Dumps the JVM's threads now and reads the dump. */
  static List<DumpedThread> take() {
    HotSpotDiagnosticMXBean bean =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    Path dir;
    try {
      // dumpThreads refuses an existing file: dump into a fresh directory.
      dir = Files.createTempDirectory("parmap-threads");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for a thread dump", e);
    }
    Path file = dir.resolve("threads.json").toAbsolutePath();
    try {
      bean.dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      try (InputStream in = Files.newInputStream(file)) {
        return parse(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not dump or read the JVM's threads", e);
    } finally {
      deleteQuietly(file);
      deleteQuietly(dir);
    }
  }

  /** Every object of every {@code "threads"} array in {@code json}, wherever it is nested. */
  static List<DumpedThread> parse(InputStream json) throws IOException {
    List<DumpedThread> threads = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(json)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME
            && parser.currentName().equals("threads")
            && parser.nextToken() == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            DumpedThread thread = readThread(parser);
            if (thread != null) {
              threads.add(thread);
            }
          }
        }
      }
    }
    return threads;
  }

  /** Reads one thread object, the parser on its START_OBJECT; null if it has no id or name. */
  private static @Nullable DumpedThread readThread(JsonParser parser) throws IOException {
    long id = -1;
    String name = null;
    boolean virtual = false;
    List<String> stack = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        // The JDK writes the id as a string ("23"); a number is read too.
        case "tid" -> id = Long.parseLong(parser.getValueAsString("-1"));
        case "name" -> name = parser.getValueAsString();
        case "virtual" -> virtual = value == JsonToken.VALUE_TRUE;
        case "stack" -> {
          if (value == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              stack.add(parser.getValueAsString(""));
            }
          }
        }
        default -> parser.skipChildren();
      }
    }
    return id < 0 || name == null ? null : new DumpedThread(id, name, virtual, stack);
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Best effort: a leftover file in the temp directory is harmless.
    }
  }
}
