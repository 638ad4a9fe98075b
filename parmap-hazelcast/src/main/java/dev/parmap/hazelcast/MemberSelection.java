package dev.parmap.hazelcast;

import com.hazelcast.cluster.Member;
import org.jspecify.annotations.Nullable;

/**
 * Which members of a cluster run parmap's chunks, and how many at once: only members that carry
 * parmap's member attribute ({@link HazelcastSetup#THREADS_ATTRIBUTE}, set by {@link
 * HazelcastSetup#member}), never lite members; a plain Hazelcast member in the same cluster is left
 * alone. The thread count a member advertises is bounded, so that a member cannot draw more than
 * {@value #MAX_THREADS} chunks' worth of a call to itself by claiming a huge number.
 */
final class MemberSelection {

  /** The most threads a member is taken to have, whatever it advertises. */
  static final int MAX_THREADS = 1024;

  private MemberSelection() {}

  /** Whether {@code member} runs parmap's chunks. */
  static boolean runsChunks(Member member) {
    return !member.isLiteMember()
        && threads(member.getAttribute(HazelcastSetup.THREADS_ATTRIBUTE)) > 0;
  }

  /** The chunks {@code member} runs at once: its advertised threads, 1 to {@value #MAX_THREADS}. */
  static int threadsOf(Member member) {
    return Math.max(1, threads(member.getAttribute(HazelcastSetup.THREADS_ATTRIBUTE)));
  }

  /**
   * The thread count an attribute value advertises, bounded to 1 to {@value #MAX_THREADS}; 0 if
   * there is no such attribute or it is not a positive number.
   */
  static int threads(@Nullable String attribute) {
    if (attribute == null) {
      return 0;
    }
    try {
      int threads = Integer.parseInt(attribute.strip());
      return threads < 1 ? 0 : Math.min(threads, MAX_THREADS);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
