package dev.parmap.timeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.timeline.Timeline.Row;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes a {@link Timeline} in Chrome's Trace Event Format; see {@link Timeline#toChromeTraceJson}.
 */
final class ChromeTrace {
  /** Immutable and thread-safe once configured; shared. */
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /**
   * One event per line: compact enough for runs of many thousand chunks, and still readable and
   * greppable. A template: the printer counts nesting, so each trace gets its own instance.
   */
  private static final DefaultPrettyPrinter ONE_EVENT_PER_LINE =
      new DefaultPrettyPrinter()
          .withArrayIndenter(new DefaultIndenter("", "\n"))
          .withObjectIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance);

  private static final int PID = 1;

  private ChromeTrace() {}

  static String write(Timeline timeline) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setPrettyPrinter(ONE_EVENT_PER_LINE.createInstance());
      json.writeStartObject();
      json.writeArrayFieldStart("traceEvents");
      List<Row> rows = timeline.rows();
      metadata(json, "process_name", 0, "name", "parmap " + timeline.stats().call().what());
      for (int i = 0; i < rows.size(); i++) {
        metadata(json, "thread_name", i + 1, "name", rows.get(i).name());
        json.writeStartObject();
        json.writeStringField("name", "thread_sort_index");
        json.writeStringField("ph", "M");
        json.writeNumberField("pid", PID);
        json.writeNumberField("tid", i + 1);
        json.writeObjectFieldStart("args");
        json.writeNumberField("sort_index", i);
        json.writeEndObject();
        json.writeEndObject();
      }
      for (int i = 0; i < rows.size(); i++) {
        for (ChunkEvent chunk : rows.get(i).chunks()) {
          complete(json, chunk, i + 1);
        }
      }
      json.writeEndArray();
      json.writeStringField("displayTimeUnit", "ms");
      otherData(json, timeline.stats());
      json.writeEndObject();
    }
    return out.toString();
  }

  private static void metadata(JsonGenerator json, String name, int tid, String key, String value)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("name", name);
    json.writeStringField("ph", "M");
    json.writeNumberField("pid", PID);
    json.writeNumberField("tid", tid);
    json.writeObjectFieldStart("args");
    json.writeStringField(key, value);
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void complete(JsonGenerator json, ChunkEvent chunk, int tid) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", Text.items(chunk));
    json.writeStringField("cat", "chunk");
    json.writeStringField("ph", "X");
    json.writeFieldName("ts");
    json.writeNumber(micros(chunk.startNanos()));
    json.writeFieldName("dur");
    json.writeNumber(micros(Text.durationNanos(chunk)));
    json.writeNumberField("pid", PID);
    json.writeNumberField("tid", tid);
    // Reserved colour names of chrome://tracing (Perfetto picks its own colours).
    if (chunk.failed() > 0) {
      json.writeStringField("cname", "terrible");
    } else if (chunk.retries() > 0) {
      json.writeStringField("cname", "yellow");
    }
    json.writeObjectFieldStart("args");
    json.writeNumberField("firstIndex", chunk.firstIndex());
    json.writeNumberField("size", chunk.size());
    json.writeNumberField("done", chunk.done());
    json.writeNumberField("failed", chunk.failed());
    json.writeNumberField("retries", chunk.retries());
    json.writeStringField("thread", chunk.thread());
    json.writeEndObject();
    json.writeEndObject();
  }

  /** Shown by chrome://tracing under "Metadata"; Perfetto keeps it too. */
  private static void otherData(JsonGenerator json, CallStats stats) throws IOException {
    json.writeObjectFieldStart("otherData");
    json.writeStringField("what", stats.call().what());
    json.writeStringField("summary", stats.toString());
    json.writeNumberField("items", stats.items());
    json.writeNumberField("successes", stats.successes());
    json.writeNumberField("failures", stats.failures());
    json.writeNumberField("retries", stats.retries());
    json.writeNumberField("chunks", stats.chunks());
    json.writeFieldName("wallTimeUs");
    json.writeNumber(micros(stats.wallTime().toNanos()));
    json.writeFieldName("busyTimeUs");
    json.writeNumber(micros(stats.busyTime().toNanos()));
    json.writeNumberField("parallelism", stats.parallelism());
    json.writeEndObject();
  }

  /** Nanoseconds as microseconds with three decimals: exact, and never in exponent notation. */
  static BigDecimal micros(long nanos) {
    return BigDecimal.valueOf(nanos, 3);
  }
}
