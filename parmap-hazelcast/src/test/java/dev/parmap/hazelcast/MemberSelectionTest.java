package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemberSelectionTest {

  @Test
  void aMemberWithoutParmapsAttributeRunsNoChunks() {
    assertThat(MemberSelection.threads(null)).isZero();
    assertThat(MemberSelection.threads("many")).isZero();
    assertThat(MemberSelection.threads("0")).isZero();
    assertThat(MemberSelection.threads("-4")).isZero();
  }

  @Test
  void theAdvertisedThreadCountIsBounded() {
    assertThat(MemberSelection.threads("4")).isEqualTo(4);
    assertThat(MemberSelection.threads(" 8 ")).isEqualTo(8);
    assertThat(MemberSelection.threads("1000000000")).isEqualTo(MemberSelection.MAX_THREADS);
    assertThat(MemberSelection.threads(String.valueOf(Long.MAX_VALUE))).isZero();
  }
}
