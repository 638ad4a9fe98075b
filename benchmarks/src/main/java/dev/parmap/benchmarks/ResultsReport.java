package dev.parmap.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns JMH's JSON result file into {@code benchmarks/RESULTS.md}: per workload, each contestant's
 * median time (the median of all its measurement iterations, forks together, from {@code
 * primaryMetric.rawData}), its ratio to the reference (the loop, or the 100 ms and 10 ms limits of
 * C and E, the loop's time per core for F), and whether parmap's default call meets its goal.
 * Contestants that failed (no entry in the JSON) are reported from the outcome files that {@link
 * Trial} leaves.
 *
 * <p>Usage: {@code ResultsReport --json FILE --outcomes DIR --out FILE [--load FILE] [--notes FILE]
 * [--command TEXT] [--revision TEXT]}. {@code --load} is a file of {@code /proc/loadavg} samples
 * taken during the run (one per line, optionally after a timestamp); {@code --notes} a hand-written
 * Markdown file that is appended (the analysis of the goals missed).
 */
public final class ResultsReport {
  /** A section another tool maintains in RESULTS.md; see {@link #keptSections}. */
  private static final Pattern KEPT_SECTION =
      Pattern.compile(
          "^<!-- ([\\w-]+):begin -->$.*?^<!-- \\1:end -->$", Pattern.DOTALL | Pattern.MULTILINE);

  private final Map<String, String> options;
  private final Map<Workload, Map<Contestant, Result>> results = new EnumMap<>(Workload.class);
  private @Nullable JsonObject anyEntry;

  /** One contestant's measurements on one workload. */
  private record Result(double medianMillis, int samples) {}

  private ResultsReport(Map<String, String> options) {
    this.options = options;
  }

  /**
   * Writes the report; see the class comment for the arguments.
   *
   * @param args the command-line arguments
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    for (String required : List.of("json", "outcomes", "out")) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException(
            "usage: ResultsReport --json FILE --outcomes DIR --out FILE [--load FILE]"
                + " [--notes FILE] [--command TEXT] [--revision TEXT]; missing --"
                + required);
      }
    }
    ResultsReport report = new ResultsReport(options);
    report.read(Path.of(options.get("json")));
    Path out = Path.of(options.get("out"));
    String markdown = report.render() + keptSections(out);
    Files.writeString(out, markdown, StandardCharsets.UTF_8);
    System.out.println("wrote " + options.get("out"));
  }

  /**
   * The sections that other tools keep in the same file, between {@code <!-- NAME:begin -->} and
   * {@code <!-- NAME:end -->}, each marker on a line of its own (the cluster benchmark's, for one):
   * copied over unchanged, so that rewriting the JMH part does not lose them.
   */
  static String keptSections(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Matcher matcher = KEPT_SECTION.matcher(text);
    StringBuilder kept = new StringBuilder();
    while (matcher.find()) {
      kept.append("\n").append(matcher.group()).append("\n");
    }
    return kept.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  private void read(Path json) throws IOException {
    JsonArray entries;
    try (Reader reader = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
      entries = JsonParser.parseReader(reader).getAsJsonArray();
    }
    for (JsonElement element : entries) {
      JsonObject entry = element.getAsJsonObject();
      String benchmark = entry.get("benchmark").getAsString();
      String className = benchmark.substring(0, benchmark.lastIndexOf('.'));
      String simpleName = className.substring(className.lastIndexOf('.') + 1);
      if (!simpleName.startsWith("Workload")) {
        continue;
      }
      Workload workload = Workload.valueOf(simpleName.substring("Workload".length()));
      Contestant contestant =
          Contestant.valueOf(entry.getAsJsonObject("params").get("contestant").getAsString());
      JsonObject metric = entry.getAsJsonObject("primaryMetric");
      double toMillis = millisPer(metric.get("scoreUnit").getAsString());
      List<Double> samples = new ArrayList<>();
      for (JsonElement fork : metric.getAsJsonArray("rawData")) {
        for (JsonElement value : fork.getAsJsonArray()) {
          samples.add(value.getAsDouble() * toMillis);
        }
      }
      results
          .computeIfAbsent(workload, w -> new EnumMap<>(Contestant.class))
          .put(contestant, new Result(median(samples), samples.size()));
      anyEntry = entry;
    }
  }

  private static double millisPer(String unit) {
    return switch (unit) {
      case "s/op" -> 1e3;
      case "ms/op" -> 1;
      case "us/op" -> 1e-3;
      case "ns/op" -> 1e-6;
      default -> throw new IllegalArgumentException("unexpected JMH unit " + unit);
    };
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private @Nullable Result result(Workload workload, Contestant contestant) {
    Map<Contestant, Result> byContestant = results.get(workload);
    return byContestant == null ? null : byContestant.get(contestant);
  }

  private Properties outcome(Workload workload, Contestant contestant) {
    Properties properties = new Properties();
    Path file =
        Path.of(options.get("outcomes")).resolve(Trial.outcomeFileName(workload, contestant));
    if (Files.isRegularFile(file)) {
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        properties.setProperty("reason", "outcome file unreadable: " + e);
      }
    }
    return properties;
  }

  /** The items a contestant ran: from its outcome file, else what {@link Workload} says. */
  private int itemsRun(Workload workload, Contestant contestant) {
    String items = outcome(workload, contestant).getProperty("items");
    return items != null ? Integer.parseInt(items) : workload.itemsFor(contestant);
  }

  /** Milliseconds for the workload's full size (extrapolated when fewer items ran), or NaN. */
  private double fullMillis(Workload workload, Contestant contestant) {
    Result result = result(workload, contestant);
    if (result == null) {
      return Double.NaN;
    }
    return result.medianMillis() * workload.items() / itemsRun(workload, contestant);
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  private String render() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# parmap benchmark results\n\n");
    out.append(
        "Generated by `benchmarks/.../ResultsReport.java` from JMH's JSON output; do not edit by"
            + " hand: `./build bench` rewrites it, keeping the sections other tools maintain"
            + " between `<!-- NAME:begin -->` and `<!-- NAME:end -->` at the end, and appending"
            + " `benchmarks/NOTES.md`.\n\n");
    header(out);
    goals(out);
    for (Workload workload : Workload.values()) {
      section(out, workload);
    }
    rules(out);
    String notes = options.get("notes");
    if (notes != null && Files.isRegularFile(Path.of(notes))) {
      out.append("\n").append(Files.readString(Path.of(notes), StandardCharsets.UTF_8).strip());
      out.append("\n");
    }
    return out.toString();
  }

  private void header(StringBuilder out) throws IOException {
    out.append("## Run\n\n");
    String command = options.get("command");
    if (command != null) {
      out.append("- Command: `").append(command).append("`\n");
    }
    String revision = options.get("revision");
    if (revision != null) {
      out.append("- parmap: commit ").append(revision).append("\n");
    }
    out.append("- Date: ")
        .append(
            Files.getLastModifiedTime(Path.of(options.get("json")))
                .toInstant()
                .atZone(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)))
        .append(" UTC (when JMH wrote its results)\n");
    out.append("- Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs (nproc), ")
        .append(cpuModel())
        .append(", ")
        .append(memory())
        .append(" of memory\n");
    JsonObject entry = anyEntry;
    if (entry != null) {
      out.append("- JDK: ")
          .append(entry.get("jdkVersion").getAsString())
          .append(" (")
          .append(entry.get("vmName").getAsString())
          .append(" ")
          .append(entry.get("vmVersion").getAsString())
          .append("), JMH ")
          .append(entry.get("jmhVersion").getAsString())
          .append("\n");
      out.append("- JMH settings (last benchmark): ")
          .append(entry.get("forks").getAsInt())
          .append(" fork(s), ")
          .append(entry.get("warmupIterations").getAsInt())
          .append(" warm-up + ")
          .append(entry.get("measurementIterations").getAsInt())
          .append(" measurement iterations")
          .append(
              "avgt".equals(entry.get("mode").getAsString())
                  ? " of " + entry.get("measurementTime").getAsString()
                  : "")
          .append(
              "; A, B, C, E and F are time-boxed iterations (average time per call), D one"
                  + " call per iteration (`SingleShotTime`)\n");
    }
    out.append("- Load average (1 min) during the run: ").append(loadSummary()).append("\n");
    out.append(
        "- Each time is the **median** of the JMH measurement iterations (all forks together);"
            + " the column \"load\" is the 1-minute load average at the start and end of that"
            + " contestant's trial. Other builds shared the machine: on 2 CPUs a load above 2"
            + " means the benchmark did not have the cores to itself.\n\n");
  }

  private void goals(StringBuilder out) {
    out.append("## Goals of parmap's default call\n\n");
    out.append("| workload | goal | measured | met |\n|---|---|---|---|\n");
    double loopA = fullMillis(Workload.A, Contestant.loop);
    double parmapA = fullMillis(Workload.A, Contestant.parmap);
    double streamA = fullMillis(Workload.A, Contestant.parallelStream);
    goalRow(
        out,
        "A",
        "≤ 1.0× the loop; ≤ 1.0× parallelStream",
        times(parmapA / loopA) + " the loop, " + times(parmapA / streamA) + " parallelStream",
        Double.isNaN(parmapA) || Double.isNaN(loopA) || Double.isNaN(streamA)
            ? null
            : parmapA <= loopA && parmapA <= streamA);
    double speedUp =
        fullMillis(Workload.B, Contestant.loop) / fullMillis(Workload.B, Contestant.parmap);
    goalRow(
        out,
        "B",
        "≥ 1.95× speed-up over the loop (2 cores)",
        times(speedUp) + " speed-up",
        Double.isNaN(speedUp) ? null : speedUp >= 1.95);
    double parmapC = fullMillis(Workload.C, Contestant.parmap);
    goalRow(
        out,
        "C",
        "≤ 110 ms (1.10× the 100 ms limit)",
        millis(parmapC) + " = " + times(parmapC / WorkloadC.SLEEP_MILLIS),
        Double.isNaN(parmapC) ? null : parmapC <= 1.10 * WorkloadC.SLEEP_MILLIS);
    double loopD = fullMillis(Workload.D, Contestant.loop);
    double ordered = fullMillis(Workload.D, Contestant.parmap);
    double unordered = fullMillis(Workload.D, Contestant.parmapUnordered);
    goalRow(
        out,
        "D",
        "completes at -Xmx256m, ≤ 2× the loop, ordered and unordered",
        (Double.isNaN(ordered) ? failedText(Workload.D, Contestant.parmap) : times(ordered / loopD))
            + " ordered, "
            + (Double.isNaN(unordered)
                ? failedText(Workload.D, Contestant.parmapUnordered)
                : times(unordered / loopD))
            + " unordered (loop "
            + millis(loopD)
            + ")",
        ranOrFailed(Workload.D, Contestant.parmap)
                && ranOrFailed(Workload.D, Contestant.parmapUnordered)
                && !Double.isNaN(loopD)
            ? ordered <= 2 * loopD && unordered <= 2 * loopD // NaN (failed) compares false
            : null);
    double parmapE = fullMillis(Workload.E, Contestant.parmap);
    goalRow(
        out,
        "E",
        "first ordered result ≤ 10.2 ms (item 0 takes 10 ms)",
        millis(parmapE),
        Double.isNaN(parmapE) ? null : parmapE <= 10.2);
    double limitF = skewLimit();
    double parmapF = fullMillis(Workload.F, Contestant.parmap);
    double streamF = fullMillis(Workload.F, Contestant.parallelStream);
    goalRow(
        out,
        "F",
        "skewed costs: ≤ 1.05× the limit (total work / cores); ≤ 1.0× parallelStream",
        times(parmapF / limitF) + " the limit, " + times(parmapF / streamF) + " parallelStream",
        Double.isNaN(parmapF) || Double.isNaN(limitF) || Double.isNaN(streamF)
            ? null
            : parmapF <= 1.05 * limitF && parmapF <= streamF);
    out.append("\n");
  }

  /** F's physical limit: the total work (the loop's time) shared evenly by the cores. */
  private double skewLimit() {
    return fullMillis(Workload.F, Contestant.loop) / Runtime.getRuntime().availableProcessors();
  }

  private boolean ranOrFailed(Workload workload, Contestant contestant) {
    return result(workload, contestant) != null
        || outcome(workload, contestant).getProperty("status") != null;
  }

  private static void goalRow(
      StringBuilder out, String workload, String goal, String measured, @Nullable Boolean met) {
    out.append("| ")
        .append(workload)
        .append(" | ")
        .append(goal)
        .append(" | ")
        .append(met == null ? "not run" : measured)
        .append(" | ")
        .append(met == null ? "–" : met ? "**yes**" : "**no**")
        .append(" |\n");
  }

  private void section(StringBuilder out, Workload workload) {
    if (!results.containsKey(workload)
        && workload.contestants().stream()
            .noneMatch(c -> outcome(workload, c).getProperty("status") != null)) {
      out.append("## ").append(workload).append(": ").append(workload.what()).append("\n\n");
      out.append("Not run in this run.\n\n");
      return;
    }
    out.append("## ").append(workload).append(": ").append(workload.what()).append("\n\n");
    String ratioHeader =
        switch (workload) {
          case A, D -> "× loop";
          case B -> "speed-up over loop";
          case C -> "× 100 ms";
          case E -> "× 10 ms";
          case F -> "× limit (loop / cores)";
        };
    out.append("| contestant | items | median | ")
        .append(ratioHeader)
        .append(workload == Workload.D ? " | per item" : "")
        .append(" | load | notes |\n|---|---:|---:|---:|")
        .append(workload == Workload.D ? "---:|" : "")
        .append("---|---|\n");
    double loop = fullMillis(workload, Contestant.loop);
    for (Contestant contestant : workload.contestants()) {
      Result result = result(workload, contestant);
      Properties outcome = outcome(workload, contestant);
      int itemsRun = itemsRun(workload, contestant);
      double full = fullMillis(workload, contestant);
      out.append("| ").append(contestant == Contestant.parmap ? "**" : "");
      out.append(contestant.label()).append(contestant == Contestant.parmap ? "**" : "");
      out.append(" | ").append(String.format(Locale.ROOT, "%,d", itemsRun)).append(" | ");
      List<String> notes = new ArrayList<>();
      if (result == null) {
        out.append("– | –");
        if (workload == Workload.D) {
          out.append(" | –");
        }
        notes.add(failedText(workload, contestant));
      } else {
        boolean extrapolated = itemsRun != workload.items();
        out.append(millis(full));
        if (extrapolated) {
          out.append("*");
          notes.add(
              "extrapolated from "
                  + millis(result.medianMillis())
                  + " for "
                  + itemsRun
                  + " items on "
                  + threads(Workload.threadsOf(contestant))
                  + "; not measured at full size");
        }
        out.append(" | ");
        out.append(
            switch (workload) {
              case A, D -> times(full / loop);
              case B -> times(loop / full);
              case C -> times(full / WorkloadC.SLEEP_MILLIS);
              case E -> times(full / WorkloadE.FIRST_MILLIS);
              case F -> times(full / skewLimit());
            });
        if (workload == Workload.D) {
          out.append(" | ").append(micros(full * 1e3 / workload.items()));
        }
      }
      String start = outcome.getProperty("loadStart", "?");
      String end = outcome.getProperty("loadEnd", "?");
      out.append(" | ").append(start).append(" → ").append(end);
      out.append(" | ").append(String.join("; ", notes)).append(" |\n");
    }
    out.append("\n");
    if (workload == Workload.C) {
      out.append(
          "\\* Extrapolated: contestants with a fixed number of threads would need minutes for"
              + " 10,000 sleeps of 100 ms (1000 s / threads), so they ran 10 waves of items and"
              + " their time is scaled to 10,000 items. Not comparable with a measured time.\n\n");
    }
  }

  private String failedText(Workload workload, Contestant contestant) {
    Properties outcome = outcome(workload, contestant);
    String status = outcome.getProperty("status");
    if (status == null) {
      return "not run";
    }
    if (status.equals("failed")) {
      String reason = outcome.getProperty("reason", "");
      return "**failed**: " + reason.replace("|", "\\|");
    }
    return "no result in the JSON (see JMH's log)";
  }

  private double microsPerItem(Workload workload, Contestant contestant) {
    return fullMillis(workload, contestant) * 1e3 / workload.items();
  }

  private static void rules(StringBuilder out) {
    out.append(
        """
        ## How each contestant runs

        - **sequential loop**: a `for` loop on the calling thread, the reference; every other \
        contestant's result is checked against the loop's (once per trial, before measuring) and \
        a mismatch fails the benchmark. For C and E the loop's result is computed without the \
        sleeps.
        - **parmap default**: `Parmap.map(items, task)` for A, B and C; `Pool.virtual()` with \
        `pool.stream(...)` (and `streamUnordered` for D), both in try-with-resources, for D and E.
        - **parallelStream**: `items.parallelStream().map(task).toList()`; the common pool has \
        `availableProcessors() - 1` threads and the caller works too.
        - **fixed pool invokeAll**: `Executors.newFixedThreadPool(availableProcessors())`, made \
        once per trial, `invokeAll` of one `Callable` per item.
        - **virtual-thread-per-task invokeAll**: `Executors.newVirtualThreadPerTaskExecutor()` in \
        try-with-resources per call, `invokeAll` of one `Callable` per item.
        - **CompletableFuture.supplyAsync per item**: the default executor, then `join` in order. \
        On JDK 25 that is the common pool even when its parallelism is 1 (2 CPUs): one thread \
        runs the items, so sleeping items run one at a time.
        - **parallel-collectors 3.3.0**: `ParallelCollectors.parallel(task, toList())` (virtual \
        threads, no limit), `parallelToOrderedStream(task)` for E.
        - **Gatherers.mapConcurrent(10,000)**: on a sequential stream; 10,000 everywhere (the \
        issue's value for C; with 2 or 16 it was 3 to 30 times slower on cheap items).
        - **C**: the loop, `parallelStream`, the fixed pool and `supplyAsync` run 10 items per \
        thread they have and are extrapolated (marked \\*).
        - **D**: the input is an `Iterable` whose iterator makes each `Long` when asked; nothing \
        holds all 20,000,000. The peers that need a collection of callables or a future per item \
        run at full size and are expected to fail with `OutOfMemoryError` at -Xmx256m (the forked \
        JVM exits on it: `-XX:+ExitOnOutOfMemoryError`); a check run that does not end within \
        90 s is abandoned and reported as failed.
        - **E**: the time until the first result in input order is in hand, including each \
        contestant's clean-up: parmap closes its stream (interrupting the 15 sleeping tasks and \
        waiting for them); `invokeAll` returns only when every task is done; `supplyAsync` \
        cancels the other futures, which does not stop a running one, so its single common-pool \
        thread is still sleeping for the previous call when the next one starts; \
        parallel-collectors leaves its other 15 tasks running after `findFirst`.
        - **F**: the limit is the loop's time divided by the number of cores (the total work, \
        perfectly shared). **parallel-collectors 3.3.0 Batching** is \
        `ParallelCollectors.Batching.parallel(task, toList(), executor, cores)` on a \
        virtual-thread-per-task executor: one batch per core, cut up front.
        """);
  }

  // ---------------------------------------------------------------------------------------------
  // Machine and formatting

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      return "CPU model unknown (" + e.getMessage() + ")";
    }
    return "CPU model unknown";
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return "unknown amount";
    }
    return "unknown amount";
  }

  private String loadSummary() throws IOException {
    String file = options.get("load");
    if (file == null || !Files.isRegularFile(Path.of(file))) {
      return "not recorded";
    }
    List<Double> samples = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
      String[] fields = line.strip().split("\\s+");
      // "/proc/loadavg" is "1min 5min 15min running/total lastpid"; a timestamp may come first.
      for (int i = 0; i < fields.length; i++) {
        if (fields[i].contains(".")) {
          samples.add(Double.parseDouble(fields[i]));
          break;
        }
      }
    }
    if (samples.isEmpty()) {
      return "not recorded";
    }
    return String.format(
        Locale.ROOT,
        "median %.2f, min %.2f, max %.2f (%d samples)",
        median(samples),
        Collections.min(samples),
        Collections.max(samples),
        samples.size());
  }

  private static String millis(double value) {
    if (Double.isNaN(value)) {
      return "–";
    }
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%,.0f ms", value);
    }
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.0f ms", value);
    }
    return String.format(Locale.ROOT, "%.2f ms", value);
  }

  private static String times(double ratio) {
    if (Double.isNaN(ratio)) {
      return "–";
    }
    return String.format(Locale.ROOT, ratio >= 100 ? "%,.0f×" : "%.2f×", ratio);
  }

  private static String micros(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.4f µs", value);
  }

  private static String threads(int count) {
    return count == 1 ? "1 thread" : count + " threads";
  }
}
