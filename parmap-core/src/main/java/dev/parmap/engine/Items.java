package dev.parmap.engine;

import org.jspecify.annotations.Nullable;

/** Short, safe descriptions of user items for error messages. */
public final class Items {
  static final int MAX_DESCRIPTION = 60;

  private Items() {}

  /**
   * Describes an item in at most about {@value #MAX_DESCRIPTION} characters; never throws, even if
   * the item's {@code toString()} does.
   */
  public static String describe(@Nullable Object item) {
    if (item == null) {
      return "null";
    }
    String text;
    try {
      text = String.valueOf(item);
    } catch (RuntimeException e) {
      return item.getClass().getName() + " whose toString() threw " + e.getClass().getName();
    }
    if (item instanceof CharSequence) {
      text = '"' + text + '"';
    }
    if (text.length() > MAX_DESCRIPTION) {
      text = text.substring(0, MAX_DESCRIPTION - 3) + "...";
    }
    return text;
  }
}
