package dev.parmap.engine;

/**
 * Where the call is. Legal moves: NEW to RUNNING (the first pull, or the blocking call, begins) or
 * ENDED (a stream closed before it was read); RUNNING to WINDING_DOWN (a stream whose deadline
 * passed hands over what is buffered) or ENDED; WINDING_DOWN to ENDED. Driver only.
 */
enum CallState {
  NEW,
  RUNNING,
  WINDING_DOWN,
  ENDED;

  /** Returns {@code next} if the call may move there from this state; throws otherwise. */
  CallState moveTo(CallState next) {
    if (!mayMoveTo(next)) {
      throw new IllegalStateException(
          "parmap bug: a call cannot move from " + this + " to " + next);
    }
    return next;
  }

  boolean mayMoveTo(CallState next) {
    return switch (this) {
      case NEW -> next == RUNNING || next == ENDED;
      case RUNNING -> next == WINDING_DOWN || next == ENDED;
      case WINDING_DOWN -> next == ENDED;
      case ENDED -> false;
    };
  }
}
