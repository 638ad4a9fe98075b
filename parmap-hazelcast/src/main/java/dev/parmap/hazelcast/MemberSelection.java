package dev.parmap.hazelcast;

import com.hazelcast.cluster.Member;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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

  /**
   * The members that run chunks at one moment, in the cluster's order, and their slots (the sum of
   * their threads): an immutable snapshot, taken when membership changes (not per chunk).
   *
   * @param members the members that {@linkplain #runsChunks run chunks}
   * @param slots the sum of their {@linkplain #threadsOf threads}
   */
  record Workers(List<Member> members, int slots) {
    static final Workers NONE = new Workers(List.of(), 0);

    Workers {
      members = List.copyOf(members);
    }

    /** The members of {@code cluster} that run chunks. */
    static Workers of(Collection<Member> cluster) {
      List<Member> workers = new ArrayList<>();
      int slots = 0;
      for (Member member : cluster) {
        if (runsChunks(member)) {
          workers.add(member);
          slots += threadsOf(member);
        }
      }
      return new Workers(workers, slots);
    }

    int size() {
      return members.size();
    }
  }
}
