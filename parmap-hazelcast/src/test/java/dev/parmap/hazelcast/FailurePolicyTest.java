package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure policy on a real cluster of four worker JVMs, in order: a member stopped and resumed
 * after its call ended runs none of the chunks it held; a member killed mid-call has its chunks run
 * once more on the others, never twice; then a poison item, which halts every member that runs it,
 * fails the call after the re-send cap, naming it, and leaves a member alive.
 */
@TestMethodOrder(OrderAnnotation.class)
class FailurePolicyTest {

  private static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(3);

  private static LocalMembers members;

  @BeforeAll
  static void startCluster() throws Exception {
    // The members' own failure detector must not remove the stopped member before it resumes.
    members = LocalMembers.start("policy-test", 4, List.of("--heartbeat-timeout", "60"));
  }

  @AfterAll
  static void stopCluster() {
    if (members != null) {
      members.close();
    }
  }

  private static ClusterPool pool(ClusterConfig.Builder config, int memberCount)
      throws InterruptedException {
    return LocalMembers.client(config, memberCount);
  }

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  @Order(1)
  void aStoppedMemberOnceResumedRunsNoChunkOfTheCallThatEnded(@TempDir Path dir) throws Exception {
    String directory = dir.toString();
    long stoppedPid = members.pid(0);
    List<long[]> results = new ArrayList<>();
    long suspendedAt = 0;
    long resumedAt;
    try (ClusterPool pool =
        pool(
            members.clientConfig().toBuilder()
                .chunkTimeout(CHUNK_TIMEOUT)
                .heartbeatTimeout(Duration.ofSeconds(60))
                .fixedChunkSize(1),
            4)) {
      // Each item notes when it started, and on which member, before its 100 ms of "work".
      SerializableTask<Integer, long[]> noted =
          i -> {
            long startedAt = System.currentTimeMillis();
            long pid = ProcessHandle.current().pid();
            Files.writeString(Path.of(directory, i + "-" + pid + "-" + startedAt), "");
            Thread.sleep(100);
            return new long[] {i, pid};
          };
      try (Stream<long[]> stream = pool.stream(numbers(80), noted)) {
        Iterator<long[]> it = stream.iterator();
        while (it.hasNext()) {
          results.add(it.next());
          if (results.size() == 10) {
            members.suspend(0); // it holds chunks running and queued
            suspendedAt = System.nanoTime();
          }
        }
      }
      assertThat(results).hasSize(80);
      for (int i = 0; i < 80; i++) {
        assertThat(results.get(i)[0]).as("result #%d, exactly once", i).isEqualTo(i);
      }

      // Stopped, as a member counts it: for at least the shortest pause after which it drops the
      // chunks it held (a shorter one is taken for a GC pause, and what it held may start before
      // the
      // cancel that follows in its socket). Hedged copies can end the call sooner than that.
      long stoppedFor = System.nanoTime() - suspendedAt;
      long atLeast = ChunkTask.MIN_PAUSE_NANOS + TimeUnit.SECONDS.toNanos(1);
      if (stoppedFor < atLeast) {
        TimeUnit.NANOSECONDS.sleep(atLeast - stoppedFor);
      }
      resumedAt = System.currentTimeMillis();
      members.resume(0);
      // A new call that reaches the resumed member: by then it has gone through the chunks it held
      // (its executor takes them first), and it must have dropped them.
      List<Long> pids = List.of();
      for (int round = 0; round < 20 && !pids.contains(stoppedPid); round++) {
        pids =
            pool.map(
                numbers(30),
                i -> {
                  Thread.sleep(50);
                  return ProcessHandle.current().pid();
                });
        assertThat(pids).hasSize(30);
      }
      assertThat(pids).as("the resumed member ran the new call").contains(stoppedPid);
    }

    try (Stream<Path> files = Files.list(dir)) {
      List<String> lateStarts =
          files
              .map(f -> f.getFileName().toString().split("-"))
              .filter(name -> Long.parseLong(name[1]) == stoppedPid)
              .filter(name -> Long.parseLong(name[2]) >= resumedAt)
              .map(name -> "item " + name[0])
              .toList();
      assertThat(lateStarts)
          .as("items started by the resumed member after the call ended")
          .isEmpty();
    }
  }

  @Test
  @Order(2)
  void killingAMemberReRunsItsChunksOnceOnTheOthersNeverTwice(@TempDir Path dir) throws Exception {
    String directory = dir.toString();
    long killedPid = members.pid(3);
    List<Integer> results = new ArrayList<>();
    try (ClusterPool pool = pool(members.clientConfig().toBuilder(), 4)) {
      // Each run of an item leaves a file: item, member, and a number unique to the run.
      SerializableTask<Integer, Integer> counted =
          i -> {
            Files.writeString(
                Path.of(
                    directory, i + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime()),
                "");
            Thread.sleep(10);
            return i;
          };
      try (Stream<Integer> stream = pool.stream(numbers(600), counted)) {
        Iterator<Integer> it = stream.iterator();
        while (it.hasNext()) {
          results.add(it.next());
          if (results.size() == 100) {
            members.kill(3);
          }
        }
      }
    }

    assertThat(results).as("every result once, in order").isEqualTo(numbers(600));
    int[] runsOnSurvivors = new int[600];
    int[] runs = new int[600];
    boolean killedRanSome = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String[] name = file.getFileName().toString().split("-");
        int item = Integer.parseInt(name[0]);
        runs[item]++;
        if (Long.parseLong(name[1]) == killedPid) {
          killedRanSome = true;
        } else {
          runsOnSurvivors[item]++;
        }
      }
    }
    assertThat(killedRanSome).as("the killed member was working").isTrue();
    for (int i = 0; i < 600; i++) {
      assertThat(runs[i]).as("runs of item %d", i).isBetween(1, 2);
      assertThat(runsOnSurvivors[i])
          .as("runs of item %d on the survivors", i)
          .isLessThanOrEqualTo(1);
    }
  }

  @Test
  @Order(3)
  void aPoisonItemFailsTheCallAfterTheReSendCapNamingIt() throws Exception {
    ClusterFailedException failure;
    try (ClusterPool pool =
        pool(members.clientConfig().toBuilder().maxResends(1).fixedChunkSize(1), 3)) {
      List<String> items = numbers(30).stream().map(i -> "item-" + i).toList();
      failure =
          catchThrowableOfType(
              ClusterFailedException.class,
              () ->
                  pool.map(
                      items,
                      s -> {
                        if (s.equals("item-13")) {
                          Runtime.getRuntime().halt(1); // kills the member that runs it
                        }
                        return s;
                      }));
    }

    assertThat(failure)
        .hasMessageContaining("item #13 (item-13)")
        .hasMessageContaining("maxResends allows 1 re-send")
        .hasMessageContaining("poison item");
    int alive = 0;
    for (int i = 0; i < 3; i++) { // member 3 was killed by the test before
      alive += members.isAlive(i) ? 1 : 0;
    }
    assertThat(alive).as("members the poison item did not reach").isGreaterThanOrEqualTo(1);
  }
}
