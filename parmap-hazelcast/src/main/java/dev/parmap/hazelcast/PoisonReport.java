package dev.parmap.hazelcast;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Names the items of a chunk that keeps being lost with its members, for the failure of the call:
 * each with its index and the start of its {@code toString()}, a bounded number of them, so that a
 * huge chunk or item cannot make a huge message.
 */
final class PoisonReport {

  /** Items named, at most. */
  static final int MAX_ITEMS = 5;

  /** Characters of an item's {@code toString()} shown, at most. */
  static final int MAX_ITEM_CHARS = 80;

  /** Reasons listed, at most. */
  static final int MAX_REASONS = 8;

  private PoisonReport() {}

  /**
   * "item #7 (item-7)" for a chunk of one item; "one of items #0 (a), #1 (b), ... and 12 more"
   * otherwise.
   */
  static String describe(long first, @Nullable Object[] items) {
    if (items.length == 1) {
      return "item #" + first + " (" + shown(items[0]) + ")";
    }
    StringBuilder text = new StringBuilder("one of items ");
    int named = Math.min(items.length, MAX_ITEMS);
    for (int i = 0; i < named; i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append('#').append(first + i).append(" (").append(shown(items[i])).append(')');
    }
    if (items.length > named) {
      text.append(" and ").append(items.length - named).append(" more");
    }
    return text.toString();
  }

  /** The first {@value #MAX_REASONS} reasons, and how many more there are. */
  static List<String> bounded(List<String> reasons) {
    if (reasons.size() <= MAX_REASONS) {
      return reasons;
    }
    List<String> shown = new ArrayList<>(reasons.subList(0, MAX_REASONS));
    shown.add("and " + (reasons.size() - MAX_REASONS) + " more");
    return shown;
  }

  /** The start of {@code item}'s {@code toString()}; its class if that throws. */
  static String shown(@Nullable Object item) {
    String text;
    try {
      text = String.valueOf(item);
    } catch (RuntimeException | StackOverflowError e) {
      return "a "
          + (item == null ? "null" : item.getClass().getName())
          + " whose toString() threw "
          + e.getClass().getName();
    }
    if (text.length() > MAX_ITEM_CHARS) {
      return text.substring(0, MAX_ITEM_CHARS) + "...";
    }
    return text;
  }
}
