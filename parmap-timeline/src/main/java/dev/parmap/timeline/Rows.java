package dev.parmap.timeline;

import dev.parmap.observe.ChunkEvent;
import dev.parmap.timeline.Timeline.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;

/** Assigns chunks to rows; see "Rows" in {@link Timeline}. */
final class Rows {

  private Rows() {}

  /**
   * The rows of {@code chunks}.
   *
   * @param chunks ordered by start time
   */
  static List<Row> pack(List<ChunkEvent> chunks) {
    TreeMap<String, List<ChunkEvent>> platform = new TreeMap<>(Rows::compareNatural);
    List<ChunkEvent> virtual = new ArrayList<>();
    for (ChunkEvent chunk : chunks) {
      if (chunk.virtual()) {
        virtual.add(chunk);
      } else {
        platform.computeIfAbsent(chunk.thread(), name -> new ArrayList<>()).add(chunk);
      }
    }
    List<Row> rows = new ArrayList<>();
    platform.forEach(
        (name, ofThread) -> {
          List<List<ChunkEvent>> lanes = lanes(ofThread);
          for (int i = 0; i < lanes.size(); i++) {
            rows.add(new Row(i == 0 ? name : name + " (" + (i + 1) + ")", false, lanes.get(i)));
          }
        });
    List<List<ChunkEvent>> lanes = lanes(virtual);
    for (int i = 0; i < lanes.size(); i++) {
      rows.add(new Row("virtual " + (i + 1), true, lanes.get(i)));
    }
    return List.copyOf(rows);
  }

  /**
   * Interval partitioning: each chunk, in order of start, goes to the lowest-numbered lane whose
   * last chunk ended at or before its start, else to a new lane. Lanes are only opened when all are
   * busy, so their number is the peak number of overlapping chunks. O(n log n): the busy lanes wait
   * in a queue by end time, the free ones in a set by number.
   *
   * @param chunks ordered by start time
   */
  private static List<List<ChunkEvent>> lanes(List<ChunkEvent> chunks) {
    List<List<ChunkEvent>> lanes = new ArrayList<>();
    PriorityQueue<long[]> busy = new PriorityQueue<>(Comparator.comparingLong(lane -> lane[0]));
    TreeSet<Integer> free = new TreeSet<>();
    for (ChunkEvent chunk : chunks) {
      while (!busy.isEmpty() && busy.peek()[0] <= chunk.startNanos()) {
        free.add((int) busy.poll()[1]);
      }
      Integer lane = free.pollFirst();
      if (lane == null) {
        lane = lanes.size();
        lanes.add(new ArrayList<>());
      }
      lanes.get(lane).add(chunk);
      busy.add(new long[] {Math.max(chunk.endNanos(), chunk.startNanos()), lane});
    }
    return lanes;
  }

  /**
   * Orders names as a person would: runs of digits by their numeric value ({@code worker-2} before
   * {@code worker-10}), other characters as they are; ties broken by plain string order.
   */
  static int compareNatural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (isDigit(ca) && isDigit(cb)) {
        int endA = digitsEnd(a, i);
        int endB = digitsEnd(b, j);
        int startA = skipZeros(a, i, endA);
        int startB = skipZeros(b, j, endB);
        int byLength = Integer.compare(endA - startA, endB - startB);
        if (byLength != 0) {
          return byLength;
        }
        int byDigits = a.substring(startA, endA).compareTo(b.substring(startB, endB));
        if (byDigits != 0) {
          return byDigits;
        }
        i = endA;
        j = endB;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int byRest = Integer.compare(a.length() - i, b.length() - j);
    return byRest != 0 ? byRest : a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int digitsEnd(String s, int from) {
    int end = from;
    while (end < s.length() && isDigit(s.charAt(end))) {
      end++;
    }
    return end;
  }

  private static int skipZeros(String s, int from, int end) {
    int start = from;
    while (start < end - 1 && s.charAt(start) == '0') {
      start++;
    }
    return start;
  }
}
