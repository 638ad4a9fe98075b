package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chunk and its answer between a caller and a member, without a cluster: the member's checks
 * before it runs anything (signature, ended calls, held too long, task version) and the caller's
 * checks of the answer (signature bound to the chunk, length and indexes).
 */
class ChunkSecurityTest {

  private static final AtomicInteger RUNS = new AtomicInteger();

  private static final SerializableTask<Integer, Integer> DOUBLE =
      i -> {
        RUNS.incrementAndGet();
        return i * 2;
      };

  private static final ChunkSigner SECRET_A =
      ChunkSigner.withSecret("secret A, 16 bytes or more".getBytes(StandardCharsets.UTF_8));
  private static final ChunkSigner SECRET_B =
      ChunkSigner.withSecret("secret B, 16 bytes or more".getBytes(StandardCharsets.UTF_8));

  private final UUID call = UUID.randomUUID();
  private final WireSerialization wire = WireSerialization.of(ClusterConfig.defaults());

  @BeforeEach
  void resetRuns() {
    RUNS.set(0);
  }

  private ChunkTask chunk(ClusterConfig config, ChunkSigner signer, TaskFingerprint fingerprint)
      throws Exception {
    Object[] items = {1, 2, 3};
    return new ChunkTask(
        call,
        0,
        3,
        fingerprint,
        config,
        new ChunkTask.MemberPolicies(false, -1, -1),
        WireSerialization.write(DOUBLE),
        WireSerialization.write((Object) items),
        signer);
  }

  private ChunkTask chunk(ChunkSigner signer) throws Exception {
    return chunk(ClusterConfig.defaults(), signer, TaskFingerprint.of(DOUBLE));
  }

  private MemberCalls member(ChunkSigner signer) {
    return new MemberCalls(signer, wire);
  }

  @Test
  void aChunkSignedWithTheSharedSecretRunsAndItsSignedAnswerIsAccepted() throws Exception {
    ChunkResult answer = chunk(SECRET_A).answer(member(SECRET_A)).signedBy(SECRET_A, call, 0, 3);

    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.DONE);
    assertThat(ResultCheck.problem(answer, call, 0, 3, SECRET_A)).isNull();
    Object results = wire.read(answer.payload, 1)[0];
    assertThat(ResultCheck.problemWithResults(results, 3)).isNull();
    assertThat((Object[]) results).containsExactly(2, 4, 6);
    assertThat(RUNS).hasValue(3);
  }

  @Test
  void aMemberWithAnotherSecretRunsNothingAndTheCallerRefusesItsAnswer() throws Exception {
    ChunkResult answer = chunk(SECRET_A).answer(member(SECRET_B)).signedBy(SECRET_B, call, 0, 3);

    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.REFUSED);
    assertThat(answer.refusal).isEqualTo(ChunkResult.Refusal.BAD_SIGNATURE);
    assertThat(RUNS).hasValue(0);
    assertThat(ResultCheck.problem(answer, call, 0, 3, SECRET_A))
        .contains("not signed with this caller's shared secret");
  }

  @Test
  void aMemberWithASecretRefusesAChunkFromACallerWithout() throws Exception {
    ChunkResult answer = chunk(ChunkSigner.none()).answer(member(SECRET_A));

    assertThat(answer.refusal).isEqualTo(ChunkResult.Refusal.BAD_SIGNATURE);
    assertThat(answer.message).contains("not signed");
    assertThat(RUNS).hasValue(0);
  }

  @Test
  void theChunksPoliciesAndItsTaskAreSignedWithItsItems() throws Exception {
    java.util.Map<String, Object> forged =
        java.util.Map.of(
            "goesOn",
            true,
            "itemTimeoutNanos",
            5L,
            "deadlineNanosLeft",
            5L,
            "taskPayload",
            new byte[0]);
    for (var change : forged.entrySet()) {
      ChunkTask chunk = chunk(SECRET_A);
      java.lang.reflect.Field field = ChunkTask.class.getDeclaredField(change.getKey());
      field.setAccessible(true);
      field.set(chunk, change.getValue());

      ChunkResult answer = chunk.answer(member(SECRET_A));

      assertThat(answer.refusal).as(change.getKey()).isEqualTo(ChunkResult.Refusal.BAD_SIGNATURE);
    }
    assertThat(RUNS.get()).isZero();
  }

  @Test
  void aForgedOrReplayedAnswerIsRefused() throws Exception {
    ChunkResult genuine = chunk(SECRET_A).answer(member(SECRET_A)).signedBy(SECRET_A, call, 0, 3);

    ChunkResult tampered = chunk(SECRET_A).answer(member(SECRET_A)).signedBy(SECRET_A, call, 0, 3);
    tampered.payload = WireSerialization.write((Object) new Object[] {7, 7, 7});
    ChunkResult unsigned = chunk(SECRET_A).answer(member(SECRET_A));
    ChunkResult otherSecret =
        chunk(SECRET_A).answer(member(SECRET_A)).signedBy(SECRET_B, call, 0, 3);

    assertThat(ResultCheck.problem(tampered, call, 0, 3, SECRET_A)).isNotNull();
    assertThat(ResultCheck.problem(unsigned, call, 0, 3, SECRET_A)).contains("not signed");
    assertThat(ResultCheck.problem(otherSecret, call, 0, 3, SECRET_A)).isNotNull();
    assertThat(ResultCheck.problem(genuine, call, 3, 3, SECRET_A))
        .as("another chunk's answer")
        .isNotNull();
    assertThat(ResultCheck.problem(genuine, UUID.randomUUID(), 0, 3, SECRET_A))
        .as("another call's answer")
        .isNotNull();
  }

  @Test
  void anAnswerWhoseLengthOrIndexDoesNotMatchItsChunkIsRefused() throws Exception {
    ChunkResult failedOutside = ChunkResult.failed(5, WireSerialization.write(new Exception()), 0);
    ChunkResult failedBefore = ChunkResult.failed(-1, WireSerialization.write(new Exception()), 0);

    assertThat(ResultCheck.problem(failedOutside, call, 0, 3, ChunkSigner.none()))
        .contains("item 5 of a chunk of 3 items");
    assertThat(ResultCheck.problem(failedBefore, call, 0, 3, ChunkSigner.none())).isNotNull();
    assertThat(ResultCheck.problemWithResults(new Object[2], 3))
        .isEqualTo("it returned 2 results for a chunk of 3 items");
    assertThat(ResultCheck.problemWithResults(new Object[4], 3)).isNotNull();
    assertThat(ResultCheck.problemWithResults("not a list", 3)).isNotNull();
  }

  @Test
  void aChunkOfACallThatEndedIsDroppedWithoutRunning() throws Exception {
    MemberCalls member = member(ChunkSigner.none());
    member.end(call);

    assertThat(chunk(ChunkSigner.none()).answer(member).kind).isEqualTo(ChunkResult.Kind.CANCELLED);
    assertThat(RUNS).hasValue(0);
  }

  @Test
  void aChunkHeldLongerThanItsCallerWaitsIsDroppedAndEndsItsCallThere() throws Exception {
    ClusterConfig waitsOneNanosecond =
        ClusterConfig.builder()
            .chunkTimeout(Duration.ofNanos(1))
            .queueTimeout(Duration.ofNanos(1))
            .build();
    MemberCalls member = member(ChunkSigner.none());

    ChunkResult answer =
        chunk(waitsOneNanosecond, ChunkSigner.none(), TaskFingerprint.of(DOUBLE)).answer(member);

    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.CANCELLED);
    assertThat(member.hasEnded(call)).isTrue();
    assertThat(RUNS).hasValue(0);
  }

  @Test
  void timeQueuedPastTheChunkTimeoutDoesNotCountButRunTimeDoes() throws Exception {
    ClusterConfig runsOneNanosecond =
        ClusterConfig.builder().chunkTimeout(Duration.ofNanos(1)).build(); // queued: up to 1 h

    ChunkResult answer =
        chunk(runsOneNanosecond, ChunkSigner.none(), TaskFingerprint.of(DOUBLE))
            .answer(member(ChunkSigner.none()));

    // The first item starts, held past the chunk timeout as it was; the second would run past it.
    assertThat(answer.kind).isEqualTo(ChunkResult.Kind.CANCELLED);
    assertThat(RUNS).hasValue(1);
  }

  @Test
  void aTaskOfAnotherVersionThanTheCallersIsRefusedNamingItsClass() throws Exception {
    TaskFingerprint callers = new TaskFingerprint(getClass().getName(), "0123456789ab".repeat(5));

    ChunkResult answer =
        chunk(ClusterConfig.defaults(), ChunkSigner.none(), callers)
            .answer(member(ChunkSigner.none()));

    assertThat(answer.refusal).isEqualTo(ChunkResult.Refusal.STALE_TASK);
    assertThat(answer.message)
        .contains("another version of " + getClass().getName())
        .contains("0123456789ab... on the caller");
    assertThat(RUNS).hasValue(0);
  }

  @Test
  void aTasksFingerprintIsThatOfTheClassDeclaringIt() {
    TaskFingerprint fingerprint = TaskFingerprint.of(DOUBLE);

    assertThat(fingerprint.className()).isEqualTo(ChunkSecurityTest.class.getName());
    assertThat(fingerprint.sha256()).hasSize(64);
    assertThat(fingerprint.matches(TaskFingerprint.of(DOUBLE))).isTrue();
    assertThat(fingerprint.matches(new TaskFingerprint(fingerprint.className(), "00"))).isFalse();
    assertThat(
            fingerprint.matches(
                new TaskFingerprint(fingerprint.className(), TaskFingerprint.UNKNOWN)))
        .isTrue();
    SerializableAction<Integer> action = i -> {};
    assertThat(TaskFingerprint.of(new ClusterPool.ActionTask<>(action)).className())
        .isEqualTo(ChunkSecurityTest.class.getName());
  }

  @Test
  void aMemberWithASecretEndsACallOnlyOnACancelSignedWithIt() {
    MemberCalls calls = member(SECRET_A);

    assertThat(new CancelCall(call, 0, ChunkSigner.none()).cancel(calls)).isFalse();
    assertThat(new CancelCall(call, 0, SECRET_B).cancel(calls)).isFalse();
    assertThat(calls.hasEnded(call)).as("ended by an unsigned or wrongly signed cancel").isFalse();

    assertThat(new CancelCall(call, 0, SECRET_A).cancel(calls)).isTrue();
    assertThat(calls.hasEnded(call)).isTrue();
  }

  @Test
  void aMemberWithoutASecretEndsACallOnAnyCancel() {
    MemberCalls calls = member(ChunkSigner.none());

    assertThat(new CancelCall(call, 0, ChunkSigner.none()).cancel(calls)).isTrue();
    assertThat(calls.hasEnded(call)).isTrue();
  }
}
