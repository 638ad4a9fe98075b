package dev.parmap.examples;

import dev.parmap.Pool;
import dev.parmap.WorkerResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A per-worker resource: one {@link MessageDigest} per task running at once, reused for thousands
 * of items (a digest is not thread-safe, and looking one up through the security providers costs
 * more than hashing a short line). Prints how many digests were created, for one call and, kept by
 * the pool, for ten.
 */
public final class WorkerResourceExample {
  private WorkerResourceExample() {}

  /**
   * Hashes 10,000 lines on a pool of 4 threads and prints the first hash and the digests created.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    List<String> lines = IntStream.range(0, 10_000).mapToObj(i -> "line " + i).toList();
    // worker resource example begins
    AtomicInteger created = new AtomicInteger();
    try (Pool pool = Pool.threads(4)) {
      List<String> hashes =
          pool.mapWith(
              lines,
              () -> {
                created.incrementAndGet();
                return MessageDigest.getInstance("SHA-256");
              },
              (sha256, line) ->
                  HexFormat.of().formatHex(sha256.digest(line.getBytes(StandardCharsets.UTF_8))));
      System.out.println(hashes.size() + " hashes, the first " + hashes.get(0));
      System.out.println("digests created: " + created.get()); // at most 4, not 10,000
    }
    // worker resource example ends

    // The same resource for any call that takes a Task: here a lazy stream, stopped early.
    WorkerResource<MessageDigest> sha256 =
        WorkerResource.of(() -> MessageDigest.getInstance("SHA-256"));
    try (Pool pool = Pool.virtual(4)) {
      long zeroes =
          pool.stream(
                  lines,
                  sha256.task(
                      (digest, line) -> digest.digest(line.getBytes(StandardCharsets.UTF_8))[0]))
              .limit(1_000)
              .filter(first -> first == 0)
              .count();
      System.out.println("of the first 1000 hashes, " + zeroes + " start with a zero byte");
    }

    // Kept by the pool: ten calls (say, ten requests of a server) share the digests, which the
    // pool's close() closes; a digest needs no close, so this counts creations only.
    AtomicInteger keptCreated = new AtomicInteger();
    WorkerResource<MessageDigest> kept =
        WorkerResource.of(
                () -> {
                  keptCreated.incrementAndGet();
                  return MessageDigest.getInstance("SHA-256");
                })
            .keptByPool();
    try (Pool pool = Pool.threads(4)) {
      for (int request = 0; request < 10; request++) {
        pool.map(
            lines.subList(request * 1_000, request * 1_000 + 1_000),
            kept.task((digest, line) -> digest.digest(line.getBytes(StandardCharsets.UTF_8))));
      }
    }
    System.out.println("digests created for 10 calls on one pool: " + keptCreated.get());
  }
}
