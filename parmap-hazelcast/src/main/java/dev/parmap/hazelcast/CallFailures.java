package dev.parmap.hazelcast;

import dev.parmap.ParmapException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The exceptions a call on the cluster fails with when a chunk cannot be run or its answer cannot
 * be used, each saying what happened, where (this caller or which member), and what to do.
 */
final class CallFailures {

  private final String what;

  /**
   * @param what the call, such as {@code ClusterPool.map}, at the start of every message
   */
  CallFailures(String what) {
    this.what = what;
  }

  /** A class refused by the serialization allow-list {@code where} ("this caller", a member). */
  ParmapException allowList(Object chunk, String where, String refusal, @Nullable Throwable cause) {
    return new ParmapException(
        what
            + ": "
            + chunk
            + " was refused by the serialization allow-list of "
            + where
            + " ("
            + refusal
            + "). Only allow-listed classes are deserialized: add the package of that class to"
            + " ClusterConfig.Builder.allowedPackages on the caller and to the workers' --allow"
            + " (the same packages on both sides); for a lambda, the package of the class that"
            + " declares it is needed too",
        cause);
  }

  /** A class of the chunk or its answer is not on the class path {@code where}. */
  ParmapException classMissing(
      Object chunk, String where, String missing, @Nullable Throwable cause) {
    return new ParmapException(
        what
            + ": "
            + chunk
            + " could not be deserialized on "
            + where
            + " ("
            + missing
            + "): a class is missing; the task's and items' classes must be on the class path"
            + " of every member (start workers with --classpath) and of the caller",
        cause);
  }

  /** The member runs another version of the task's class than this caller. */
  ParmapException stale(String member, String why) {
    return new ParmapException(
        what
            + ": "
            + member
            + " is stale: "
            + why
            + ". The caller and every member must run the same version of the task's class:"
            + " restart that worker with the current class path",
        null);
  }

  /** A chunk or an answer that could not be read, for another reason. */
  ParmapException unreadable(Object chunk, String where, String why, @Nullable Throwable cause) {
    return new ParmapException(
        what + ": " + chunk + " could not be read on " + where + ": " + why, cause);
  }

  /** A member's Hazelcast failed the chunk (not a task's exception, not the member's loss). */
  ParmapException remote(Object chunk, String member, Throwable cause) {
    String refused = refusedClass(cause);
    if (refused != null) {
      return allowList(chunk, member, refused, cause);
    }
    if (hasCause(cause, ClassNotFoundException.class)) {
      return classMissing(chunk, member, String.valueOf(cause), cause);
    }
    return new ParmapException(what + ": " + chunk + " failed on " + member + ": " + cause, cause);
  }

  /** Why a member that refused a chunk for want of the secret is given up on. */
  static String badSignature(String why) {
    return "refused the chunk: "
        + why
        + " (give the caller, ClusterConfig.Builder.sharedSecret, and every worker,"
        + " --secret-file, the same secret)";
  }

  /**
   * A chunk lost with its member more often than it may be re-sent, while members are left.
   *
   * @param suspects the chunk's items, as {@link PoisonReport#describe} names them
   * @param losses why each member that held it was lost
   */
  ClusterFailedException poison(
      Object chunk, String suspects, List<String> losses, int maxResends) {
    return new ClusterFailedException(
        what
            + ": "
            + chunk
            + " was lost with the member that ran it "
            + losses.size()
            + " times, and ClusterConfig.Builder.maxResends allows "
            + maxResends
            + " re-send(s): "
            + suspects
            + " is likely to be what kills members (a poison item), so the call stops before it"
            + " takes down the rest of the cluster. Lost: "
            + String.join("; ", PoisonReport.bounded(losses)),
        null);
  }

  /** What a "no member left" failure adds when a chunk had been lost with every member. */
  static String lostEverywhere(Object chunk, String suspects, int losses) {
    return "; "
        + chunk
        + " was lost with every member that ran it ("
        + losses
        + " times): "
        + suspects
        + " may be what kills them";
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The message of Hazelcast's filter's refusal ("Resolving class X is not allowed."), if any. */
  private static @Nullable String refusedClass(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof SecurityException
          || (message != null && message.contains("is not allowed"))) {
        return message != null ? message : t.toString();
      }
    }
    return null;
  }
}
