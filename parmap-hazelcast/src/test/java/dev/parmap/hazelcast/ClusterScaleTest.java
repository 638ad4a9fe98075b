package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scale and failure policy with members in the test JVM (their tasks count executions and wait on
 * latches held in static fields): the window keeps every member thread busy, the chunk timeout
 * counts run time and not time queued behind other callers, a member given up on rejoins the call
 * after its cool-down, and a head-of-line chunk far slower than its peers is hedged.
 */
class ClusterScaleTest {

  private static final Duration AWAIT = Duration.ofSeconds(60);

  // Shared with the tasks, which run on the members in this JVM.
  static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();
  static final AtomicInteger RUNNING = new AtomicInteger();
  static final AtomicInteger MOST_RUNNING = new AtomicInteger();
  static volatile CountDownLatch gate = new CountDownLatch(0);
  static volatile CountDownLatch held = new CountDownLatch(0);
  static volatile CountDownLatch stalledRunInterrupted = new CountDownLatch(0);
  static final java.util.Set<String> RAN_AFTER_HANG = ConcurrentHashMap.newKeySet();
  static volatile String hangingOn = "";
  static volatile long hungUntil = Long.MAX_VALUE;

  @BeforeEach
  void reset() {
    EXECUTIONS.clear();
    RUNNING.set(0);
    MOST_RUNNING.set(0);
  }

  private static int executed(String key) {
    return EXECUTIONS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private static int executions(String key) {
    AtomicInteger count = EXECUTIONS.get(key);
    return count == null ? 0 : count.get();
  }

  private static ClusterPool client(ClusterConfig.Builder config, int members)
      throws InterruptedException {
    return LocalMembers.client(config, members);
  }

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  void theWindowKeepsEveryThreadOfEveryMemberBusy() throws Exception {
    int members = 3;
    int threads = 2;
    gate = new CountDownLatch(members * threads);
    try (InJvmMembers cluster = InJvmMembers.start("scale-window", members, threads);
        ClusterPool pool = client(cluster.clientConfig(), members)) {
      assertThat(pool.workers().slots()).isEqualTo(members * threads);
      // One snapshot, kept from membership events: no scan of the cluster per chunk.
      assertThat(pool.workers()).isSameAs(pool.workers());
      // Each item runs until members x threads items run at once: fewer chunks in flight than
      // that, and the first ones give up waiting and return false.
      List<Boolean> allRan =
          pool.map(
              numbers(60),
              i -> {
                MOST_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
                try {
                  gate.countDown();
                  return gate.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
                } finally {
                  RUNNING.decrementAndGet();
                }
              });
      assertThat(allRan).hasSize(60).containsOnly(true);
      assertThat(MOST_RUNNING.get()).isEqualTo(members * threads);
    }
  }

  @Test
  void callersSharingOneSmallMemberDoNotGiveUpOnItForTimeQueued() throws Exception {
    int callers = 5;
    int itemsEach = 3;
    try (InJvmMembers cluster = InJvmMembers.start("scale-queue", 1, 1)) {
      List<ClusterPool> pools = new ArrayList<>();
      try {
        for (int c = 0; c < callers; c++) {
          pools.add(
              client(
                  cluster.clientConfig().chunkTimeout(Duration.ofMillis(1_500)).fixedChunkSize(1),
                  1));
        }
        // One thread for 5 callers with a chunk in flight each (500 ms chunks are not short enough
        // to queue more): a chunk sent waits about 4 x 500 ms in the member's queue, past the
        // 1.5 s chunk timeout, and runs 500 ms.
        List<CompletableFuture<List<Integer>>> calls = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
          int caller = c;
          calls.add(
              pools
                  .get(c)
                  .mapAsync(
                      numbers(itemsEach),
                      i -> {
                        executed(caller + ":" + i);
                        Thread.sleep(500);
                        return i * 10;
                      }));
        }
        for (CompletableFuture<List<Integer>> call : calls) {
          assertThat(call.get(AWAIT.toSeconds(), TimeUnit.SECONDS)).containsExactly(0, 10, 20);
        }
        for (int c = 0; c < callers; c++) {
          for (int i = 0; i < itemsEach; i++) {
            assertThat(executions(c + ":" + i)).as("item %d of caller %d", i, c).isEqualTo(1);
          }
        }
      } finally {
        pools.forEach(ClusterPool::close);
      }
    }
  }

  @Test
  void aMemberGivenUpOnRejoinsTheCallAfterItsCoolDown() throws Exception {
    hangingOn = "";
    hungUntil = Long.MAX_VALUE;
    RAN_AFTER_HANG.clear();
    try (InJvmMembers cluster = InJvmMembers.start("scale-rejoin", 2, 1);
        ClusterPool pool =
            client(
                cluster
                    .clientConfig()
                    .chunkTimeout(Duration.ofSeconds(1))
                    .coolDown(Duration.ofMillis(300))
                    .fixedChunkSize(1),
                2)) {
      // Item 3 hangs the first time it runs: its member is given up on once the run passes the
      // chunk timeout (and interrupts it when told to drop the chunk); after its cool-down it
      // rejoins the call and runs later items again.
      List<Integer> results =
          pool.map(
              numbers(150),
              i -> {
                String member = Thread.currentThread().getName().split("\\.")[1];
                if (System.nanoTime() > hungUntil) {
                  RAN_AFTER_HANG.add(member + " " + i);
                }
                if (executed("item " + i) == 1 && i == 3) {
                  hangingOn = member;
                  try {
                    Thread.sleep(AWAIT.toMillis());
                  } finally {
                    hungUntil = System.nanoTime();
                  }
                }
                Thread.sleep(40);
                return i + 1;
              });
      assertThat(results).isEqualTo(IntStream.rangeClosed(1, 150).boxed().toList());
      assertThat(executions("item 3")).as("item 3: timed out once, then answered").isEqualTo(2);
      for (int i = 0; i < 150; i++) {
        assertThat(executions("item " + i))
            .as("item %d", i)
            .isBetween(1, 1 + ClusterConfig.DEFAULT_MAX_RESENDS);
      }
      String given = hangingOn;
      assertThat(RAN_AFTER_HANG)
          .as("items run by the member given up on, once it was told to drop the hung one")
          .anyMatch(run -> run.startsWith(given + " "));
    }
  }

  @Test
  void aHeadOfLineChunkFarSlowerThanItsPeersIsSentAgainAndAnsweredOnce() throws Exception {
    held = new CountDownLatch(1);
    stalledRunInterrupted = new CountDownLatch(1);
    try (InJvmMembers cluster = InJvmMembers.start("scale-hedge", 2, 2);
        ClusterPool pool =
            client(
                cluster.clientConfig().chunkTimeout(Duration.ofMinutes(5)).fixedChunkSize(1), 2)) {
      List<Integer> results = new ArrayList<>();
      // Item 10's first run stalls until the end of the test: an ordered stream would wait for it
      // for the whole chunk timeout; its hedged copy on the other member answers instead.
      try (Stream<Integer> stream =
          pool.stream(
              numbers(40),
              i -> {
                if (executed("item " + i) == 1 && i == 10) {
                  try {
                    held.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    stalledRunInterrupted.countDown();
                    throw e;
                  }
                }
                Thread.sleep(20);
                return i;
              })) {
        Iterator<Integer> it = stream.iterator();
        while (it.hasNext()) {
          results.add(it.next());
          if (results.size() == 11) {
            // Item 10's hedge answered, and the call goes on: its member is told to drop the
            // stalled copy, which is interrupted now, not when the call ends.
            assertThat(stalledRunInterrupted.await(AWAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the losing copy was interrupted while the call still ran")
                .isTrue();
          }
        }
      }
      assertThat(held.getCount()).as("the stalled run was not let go").isEqualTo(1);
      assertThat(results).isEqualTo(numbers(40));
      assertThat(executions("item 10")).as("item 10: the stalled run and its hedge").isEqualTo(2);
    } finally {
      held.countDown();
    }
  }
}
