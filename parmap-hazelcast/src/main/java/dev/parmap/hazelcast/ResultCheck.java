package dev.parmap.hazelcast;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The caller's checks of a member's answer before it believes it: signed with the shared secret
 * (when there is one) for exactly this chunk of this call, an item index inside the chunk, and as
 * many results as the chunk has items. A result that fails them is refused: its member is given up
 * on for the call and the chunk is re-sent, so that a member that is broken or rogue cannot put
 * wrong values, a short list or someone else's results into the output.
 */
final class ResultCheck {
  private ResultCheck() {}

  /**
   * What is wrong with {@code result} as the answer to the chunk of {@code size} items at {@code
   * first} of {@code call}, before its payload is read; null if nothing.
   */
  static @Nullable String problem(
      ChunkResult result, UUID call, long first, int size, ChunkSigner signer) {
    if (!signer.verify(result.signedContent(call, first, size), result.signature)) {
      return result.signature.length == 0
          ? "its answer is not signed, and this caller has a shared secret (a member without the"
              + " secret, or a forged answer)"
          : "its answer is not signed with this caller's shared secret (a member with another"
              + " secret, or a forged answer)";
    }
    if (result.kind == ChunkResult.Kind.FAILED
        && (result.failedAt < 0 || result.failedAt >= size)) {
      return "it reported a failure of item "
          + result.failedAt
          + " of a chunk of "
          + size
          + " items";
    }
    return null;
  }

  /** What is wrong with the results read from a {@link ChunkResult.Kind#DONE} answer; or null. */
  static @Nullable String problemWithResults(@Nullable Object read, int size) {
    if (!(read instanceof Object[] results)) {
      return "its answer holds no list of results";
    }
    if (results.length != size) {
      return "it returned " + results.length + " results for a chunk of " + size + " items";
    }
    return null;
  }
}
