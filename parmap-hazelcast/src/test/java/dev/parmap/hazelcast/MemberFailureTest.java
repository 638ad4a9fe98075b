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
 * Members that die or hang in the middle of a call. One cluster of four worker JVMs serves the
 * whole class and loses a member in each test, in order: killed (4 left 3), stopped and caught by
 * the chunk timeout (3 left 2 that answer), stopped and caught by the heartbeat timeout (1 left),
 * then all of them killed (none left).
 */
@TestMethodOrder(OrderAnnotation.class)
class MemberFailureTest {

  /** Far below Hazelcast's default heartbeat timeout of 60 s, which must not be waited for. */
  private static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(3);

  /** The client's failure detector, tuned (Hazelcast's default is 60 s). */
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

  private static LocalMembers members;

  /** Gives up on a member after {@link #CHUNK_TIMEOUT}; its heartbeat timeout is Hazelcast's. */
  private static ClusterPool pool;

  /** Waits long for a chunk: only the heartbeat timeout can catch a stopped member in time. */
  private static ClusterPool heartbeatPool;

  @BeforeAll
  static void startCluster() throws Exception {
    members = LocalMembers.start("failure-test", 4, List.of());
    pool =
        ClusterPool.client(
            members.clientConfig().toBuilder()
                .chunkTimeout(CHUNK_TIMEOUT)
                .heartbeatTimeout(Duration.ofSeconds(60))
                .build());
    heartbeatPool =
        ClusterPool.client(
            members.clientConfig().toBuilder()
                .chunkTimeout(Duration.ofMinutes(5))
                .heartbeatTimeout(HEARTBEAT_TIMEOUT)
                .build());
    assertThat(pool.awaitMembers(4, Duration.ofSeconds(60))).as("4 members joined").isTrue();
    assertThat(heartbeatPool.awaitMembers(4, Duration.ofSeconds(60))).isTrue();
  }

  @AfterAll
  static void stopCluster() {
    try {
      for (ClusterPool p : new ClusterPool[] {pool, heartbeatPool}) {
        if (p != null) {
          p.close();
        }
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
    // The stopped member's chunks were re-run once their chunk timeout (3 s, counted from when each
    // was sent) passed. Under 9 s: before the members' own failure detector (10 s) could have
    // removed it, and this pool's heartbeat timeout is Hazelcast's 60 s.
    assertThat(afterStop).isLessThan(Duration.ofSeconds(9));
  }

  @Test
  @Order(3)
  void aStoppedMemberHoldsTheCallNoLongerThanTheHeartbeatTimeout() throws Exception {
    List<long[]> results = new ArrayList<>();
    long stoppedAt = 0;
    try (Stream<long[]> stream = heartbeatPool.stream(numbers(300), SLOW_WITH_PID)) {
      Iterator<long[]> it = stream.iterator();
      while (it.hasNext()) {
        results.add(it.next());
        if (results.size() == 30) {
          members.suspend(2);
          stoppedAt = System.nanoTime();
        }
      }
    }
    Duration afterStop = Duration.ofNanos(System.nanoTime() - stoppedAt);

    assertThat(results).hasSize(300);
    for (int i = 0; i < 300; i++) {
      assertThat(results.get(i)[0]).as("result #%d", i).isEqualTo(i);
    }
    // The chunk timeout is 5 minutes: only the client's heartbeat timeout (5 s) can have cut the
    // stopped member off this soon.
    assertThat(afterStop).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  @Order(4)
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
