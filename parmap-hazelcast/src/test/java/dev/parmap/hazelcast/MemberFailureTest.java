package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Members that die or hang in the middle of a call. One cluster of three worker JVMs serves the
 * whole class and loses a member in each test, in order: killed (3 left 2), stopped (2 left 1 that
 * answers), then all of them killed (none left).
 */
@TestMethodOrder(OrderAnnotation.class)
class MemberFailureTest {

  /** Far below Hazelcast's default heartbeat timeout of 60 s, which must not be waited for. */
  private static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(3);

  private static LocalMembers members;
  private static ClusterPool pool;

  @BeforeAll
  static void startCluster() throws Exception {
    members = LocalMembers.start("failure-test", 3, List.of());
    pool = ClusterPool.client(members.clientConfig().withChunkTimeout(CHUNK_TIMEOUT));
    assertThat(pool.awaitMembers(3, Duration.ofSeconds(60))).as("3 members joined").isTrue();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (pool != null) {
        pool.close();
      }
    } finally {
      if (members != null) {
        members.close();
      }
    }
  }

  /** Item i gives {i, pid of the member that ran it}, after 20 ms of "work". */
  private static final SerializableTask<Integer, long[]> SLOW_WITH_PID =
      i -> {
        Thread.sleep(20);
        return new long[] {i, ProcessHandle.current().pid()};
      };

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  @Order(1)
  void killingAMemberMidRunStillYieldsEveryResultOnce() throws InterruptedException {
    long killedPid = -1;
    List<long[]> results = new ArrayList<>();
    try (Stream<long[]> stream = pool.stream(numbers(600), SLOW_WITH_PID)) {
      Iterator<long[]> it = stream.iterator();
      while (it.hasNext()) {
        results.add(it.next());
        if (results.size() == 60) {
          killedPid = members.pid(0);
          members.kill(0);
        }
      }
    }

    assertThat(results).hasSize(600);
    for (int i = 0; i < 600; i++) {
      assertThat(results.get(i)[0]).as("result #%d", i).isEqualTo(i);
    }
    long finalKilledPid = killedPid;
    assertThat(results.subList(0, 60))
        .as("the killed member was working")
        .anyMatch(r -> r[1] == finalKilledPid);
  }

  @Test
  @Order(2)
  void aStoppedMemberHoldsTheCallNoLongerThanTheChunkTimeout() throws Exception {
    List<long[]> results = new ArrayList<>();
    long stoppedAt = 0;
    try (Stream<long[]> stream = pool.stream(numbers(400), SLOW_WITH_PID)) {
      Iterator<long[]> it = stream.iterator();
      while (it.hasNext()) {
        results.add(it.next());
        if (results.size() == 40) {
          members.suspend(1);
          stoppedAt = System.nanoTime();
        }
      }
    }
    Duration afterStop = Duration.ofNanos(System.nanoTime() - stoppedAt);

    assertThat(results).hasSize(400);
    for (int i = 0; i < 400; i++) {
      assertThat(results.get(i)[0]).as("result #%d", i).isEqualTo(i);
    }
    // The stopped member's chunks were re-run once the chunk timeout passed; generous bounds for a
    // slow machine, still far below the 60 s that Hazelcast's defaults would wait.
    assertThat(afterStop).isGreaterThanOrEqualTo(CHUNK_TIMEOUT).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  @Order(3)
  void whenNoMemberIsLeftTheCallFailsWithClusterFailedException() {
    ClusterFailedException failure =
        catchThrowableOfType(
            ClusterFailedException.class,
            () -> {
              // Unordered: the first results come soon, whichever member runs the first chunk.
              try (Stream<long[]> stream = pool.streamUnordered(numbers(1_000), SLOW_WITH_PID)) {
                Iterator<long[]> it = stream.iterator();
                int seen = 0;
                while (it.hasNext()) {
                  it.next();
                  if (++seen == 20) {
                    members.close(); // kills every member, the stopped one too
                  }
                }
              }
            });

    assertThat(failure).hasMessageContaining("no member of cluster 'failure-test' is left");
  }
}
