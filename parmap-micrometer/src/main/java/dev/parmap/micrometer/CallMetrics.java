package dev.parmap.micrometer;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Records one call: its chunks and item counts as they complete, its wall time when it ends. Made
 * by {@link ParmapMetrics#onStart} for each call and called by that call's driver only, one method
 * at a time, so it needs no synchronisation (the meters are thread-safe anyway). The meters of the
 * call's kind and pool are looked up once, here; the call timer, whose tags include the ending,
 * when the call ends.
 */
final class CallMetrics implements CallObserver {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer chunks;
  private final Counter successes;
  private final Counter failures;
  private final Counter retries;
  private final Counter timeouts;
  private final Counter rateLimitWaits;

  CallMetrics(MeterRegistry registry, String name, CallInfo call) {
    this.registry = registry;
    this.tags = Tags.of("name", name, "call", call.what(), "pool", call.pool());
    this.chunks =
        Timer.builder(ParmapMetrics.CHUNKS)
            .tags(tags)
            .description("parmap chunks: consecutive items run as one task on one thread")
            .register(registry);
    this.successes = items("success");
    this.failures = items("failure");
    this.retries =
        Counter.builder(ParmapMetrics.RETRIES)
            .tags(tags)
            .description("parmap attempts beyond the first")
            .register(registry);
    this.timeouts =
        Counter.builder(ParmapMetrics.TIMEOUTS)
            .tags(tags)
            .description("parmap attempts the timeout interrupted")
            .register(registry);
    this.rateLimitWaits =
        Counter.builder(ParmapMetrics.RATE_LIMIT_WAITS)
            .tags(tags)
            .description("parmap attempts that waited for their rate-limit slot")
            .register(registry);
  }

  private Counter items(String outcome) {
    return Counter.builder(ParmapMetrics.ITEMS)
        .tags(tags)
        .tag("outcome", outcome)
        .description("parmap items finished")
        .register(registry);
  }

  /** Yes: the chunk events are what the chunk timer and the counters record. */
  @Override
  public boolean wantsChunks() {
    return true;
  }

  @Override
  public void onChunk(ChunkEvent chunk) {
    chunks.record(chunk.endNanos() - chunk.startNanos(), TimeUnit.NANOSECONDS);
    int failed = chunk.failed();
    int succeeded = chunk.done() - failed;
    if (succeeded > 0) {
      successes.increment(succeeded);
    }
    if (failed > 0) {
      failures.increment(failed);
    }
    if (chunk.retries() > 0) {
      retries.increment(chunk.retries());
    }
    if (chunk.timeouts() > 0) {
      timeouts.increment(chunk.timeouts());
    }
    if (chunk.rateLimitWaits() > 0) {
      rateLimitWaits.increment(chunk.rateLimitWaits());
    }
  }

  @Override
  public void onFinish(CallStats stats) {
    Timer.builder(ParmapMetrics.CALLS)
        .tags(tags)
        .tag("ending", stats.ending().name().toLowerCase(Locale.ROOT))
        .description("parmap calls, from start to end")
        .register(registry)
        .record(stats.wallTime());
  }
}
