package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.Pool;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a member does with a chunk's policies and its call's task, without a cluster: the per-item
 * timeout, the caller's deadline, the task held once per call, and the call's resources.
 */
class MemberPoliciesTest {

  private static final AtomicInteger STARTED = new AtomicInteger();
  private static final AtomicInteger CREATED = new AtomicInteger();
  private static final AtomicInteger CLOSED = new AtomicInteger();
  private static volatile CountDownLatch interrupted = new CountDownLatch(1);

  /** Item 1 hangs until interrupted; the others are doubled. */
  private static final SerializableTask<Integer, Integer> HANGS_AT_ONE =
      i -> {
        STARTED.incrementAndGet();
        if (i == 1) {
          try {
            Thread.sleep(Duration.ofMinutes(5));
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        }
        return i * 2;
      };

  private final UUID call = UUID.randomUUID();
  private final MemberCalls member =
      new MemberCalls(ChunkSigner.none(), WireSerialization.of(ClusterConfig.defaults()));

  @BeforeEach
  void reset() {
    STARTED.set(0);
    CREATED.set(0);
    CLOSED.set(0);
    interrupted = new CountDownLatch(1);
  }

  @AfterEach
  void endTimer() {
    member.timer().shutdown();
  }

  private ChunkTask chunk(
      Object task, long first, Object[] items, ChunkTask.MemberPolicies policies, boolean withTask)
      throws Exception {
    return new ChunkTask(
        call,
        first,
        items.length,
        TaskFingerprint.of(task),
        ClusterConfig.defaults(),
        policies,
        withTask ? WireSerialization.write(task) : new byte[0],
        WireSerialization.write((Object) items),
        ChunkSigner.none());
  }

  private Object[] results(ChunkResult answer) throws Exception {
    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.DONE);
    return (Object[]) member.wire().read(answer.payload, 1)[0];
  }

  @Test
  void anAttemptLongerThanTheTimeoutIsInterruptedAndFailsAsItWouldLocally() throws Exception {
    Duration timeout = Duration.ofMillis(200);
    ChunkResult answer =
        chunk(
                HANGS_AT_ONE,
                40,
                new Object[] {0, 1, 2},
                new ChunkTask.MemberPolicies(true, timeout.toNanos(), -1),
                true)
            .answer(member);

    Object[] results = results(answer);
    assertThat(results[0]).isEqualTo(0);
    assertThat(results[2]).isEqualTo(4); // the chunk went on after the failure
    assertThat(answer.timeouts).isEqualTo(1);
    assertThat(results[1]).isInstanceOf(FailedItem.class);
    Throwable remote = ((FailedItem) results[1]).cause();

    Throwable local;
    try (Pool pool = Pool.virtual().with(MapOptions.builder().timeout(timeout).build())) {
      Outcome<Integer, Integer> outcome =
          pool.mapOutcomes(List.of(0, 1), HANGS_AT_ONE).all().get(1);
      local = ((Outcome.Failure<Integer, Integer>) outcome).cause();
    }
    assertThat(remote).isInstanceOf(TimeoutException.class);
    assertThat(remote.getClass()).isEqualTo(local.getClass());
    // The same words, for item #41 on the member (its index in the input) and #1 locally.
    assertThat(remote.getMessage()).isEqualTo(local.getMessage().replace("#1 ", "#41 "));
    assertThat(remote.getCause()).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted())
        .as("the alarm's interrupt is cleared")
        .isFalse();
  }

  @Test
  void eachItemHasTheWholeTimeoutTheItemsBeforeItDoNotCount() throws Exception {
    SerializableTask<Integer, Integer> slow =
        i -> {
          Thread.sleep(300);
          return i;
        };
    ChunkResult answer =
        chunk(
                slow,
                0,
                new Object[] {0, 1, 2, 3},
                new ChunkTask.MemberPolicies(false, Duration.ofSeconds(1).toNanos(), -1),
                true)
            .answer(member);

    assertThat(results(answer)).containsExactly(0, 1, 2, 3); // 1.2 s in all, 0.3 s each
    assertThat(answer.timeouts).isZero();
  }

  @Test
  void aChunkWhoseCallersDeadlinePassesStopsItsItemAndStartsNoOther() throws Exception {
    ChunkResult answer =
        chunk(
                HANGS_AT_ONE,
                0,
                new Object[] {0, 1, 2, 3},
                new ChunkTask.MemberPolicies(true, -1, Duration.ofMillis(300).toNanos()),
                true)
            .answer(member);

    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.EXPIRED);
    assertThat(interrupted.await(0, TimeUnit.SECONDS)).as("item 1 was interrupted").isTrue();
    assertThat(STARTED.get()).as("items 2 and 3 never started").isEqualTo(2);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aChunkThatArrivesPastTheCallersDeadlineRunsNothing() throws Exception {
    ChunkResult answer =
        chunk(
                HANGS_AT_ONE,
                0,
                new Object[] {0, 2},
                new ChunkTask.MemberPolicies(false, -1, 0),
                true)
            .answer(member);

    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.EXPIRED);
    assertThat(STARTED.get()).isZero();
  }

  @Test
  void theTaskIsHeldOncePerCallAndAskedForAgainWhenTheMemberLostIt() throws Exception {
    ChunkTask.MemberPolicies plain = new ChunkTask.MemberPolicies(false, -1, -1);

    assertThat(results(chunk(HANGS_AT_ONE, 0, new Object[] {2}, plain, true).answer(member)))
        .containsExactly(4);
    assertThat(member.holdsTask(call)).isTrue();
    assertThat(results(chunk(HANGS_AT_ONE, 1, new Object[] {3}, plain, false).answer(member)))
        .as("a later chunk comes without the task")
        .containsExactly(6);

    MemberCalls restarted =
        new MemberCalls(ChunkSigner.none(), WireSerialization.of(ClusterConfig.defaults()));
    assertThat(chunk(HANGS_AT_ONE, 2, new Object[] {4}, plain, false).answer(restarted).kind)
        .isEqualTo(ChunkResult.Kind.NEEDS_TASK);

    member.end(call);
    assertThat(member.holdsTask(call)).isFalse();
    assertThat(chunk(HANGS_AT_ONE, 2, new Object[] {4}, plain, true).answer(member).kind)
        .as("a chunk of an ended call")
        .isEqualTo(ChunkResult.Kind.CANCELLED);
  }

  /** A resource that counts its creations and closes. */
  static final class Counted implements AutoCloseable {
    Counted() {
      CREATED.incrementAndGet();
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  @Test
  void aCallsResourceIsCreatedLazilyReusedByItsChunksAndClosedWhenTheCallEnds() throws Exception {
    SerializableTask<Integer, Integer> task =
        ClusterResource.<Counted>of(Counted::new).task((Counted c, Integer i) -> i + 1);
    ChunkTask.MemberPolicies plain = new ChunkTask.MemberPolicies(false, -1, -1);

    assertThat(results(chunk(task, 0, new Object[] {1, 2}, plain, true).answer(member)))
        .containsExactly(2, 3);
    assertThat(results(chunk(task, 2, new Object[] {3}, plain, false).answer(member)))
        .containsExactly(4);
    assertThat(CREATED.get()).as("one resource for both chunks").isEqualTo(1);
    assertThat(CLOSED.get()).isZero();

    member.end(call);
    assertThat(CLOSED.get()).isEqualTo(1);
  }

  @Test
  void aFactoryThatThrowsFailsTheItemThatNeededTheResourceWithItsException() throws Exception {
    SerializableTask<Integer, Integer> task =
        ClusterResource.<Counted>of(
                () -> {
                  throw new TestItems.Boom("no resource");
                })
            .task((Counted c, Integer i) -> i + 1);

    Object[] results =
        results(
            chunk(task, 0, new Object[] {1, 2}, new ChunkTask.MemberPolicies(true, -1, -1), true)
                .answer(member));

    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(((FailedItem) r).cause())
                    .isInstanceOf(TestItems.Boom.class)
                    .hasMessage("no resource"));
  }

  @Test
  void aCancelledChunkIsInterruptedOrSkippedWhileTheCallsOtherChunksGoOn() throws Exception {
    ChunkTask.MemberPolicies policies = new ChunkTask.MemberPolicies(false, -1, -1);
    ChunkTask hanging = chunk(HANGS_AT_ONE, 10, new Object[] {0, 1, 2}, policies, true);
    CompletableFuture<ChunkResult> answer =
        CompletableFuture.supplyAsync(() -> hanging.answer(member));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> member.runningFor(call, 10) != ChunkProbe.NOT_RUNNING && STARTED.get() == 2);

    // A copy of chunk 10 answered elsewhere: this member is told to drop its own.
    assertThat(CancelCall.ofChunk(call, 10, ChunkSigner.none()).cancel(member)).isTrue();

    assertThat(interrupted.await(60, TimeUnit.SECONDS)).as("item 11 interrupted").isTrue();
    assertThat(answer.get(60, TimeUnit.SECONDS).kind).isEqualTo(ChunkResult.Kind.CANCELLED);
    assertThat(STARTED.get()).as("item 12 never started").isEqualTo(2);
    assertThat(member.hasEnded(call)).as("the call goes on here").isFalse();
    assertThat(
            results(chunk(HANGS_AT_ONE, 20, new Object[] {0, 2}, policies, false).answer(member)))
        .as("another chunk of the call, with the task held")
        .containsExactly(0, 4);
    assertThat(chunk(HANGS_AT_ONE, 10, new Object[] {0, 1, 2}, policies, false).answer(member).kind)
        .as("a copy of the cancelled chunk that arrives later does not run")
        .isEqualTo(ChunkResult.Kind.CANCELLED);
    assertThat(STARTED.get()).isEqualTo(4);
  }
}
