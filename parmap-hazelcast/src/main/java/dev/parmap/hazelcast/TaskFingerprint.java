package dev.parmap.hazelcast;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which version of a task's code runs: the SHA-256 of the class file of the class that declares the
 * task (for a lambda, the class whose code contains it: its nest host), as that class was loaded.
 * The caller sends its fingerprint with each chunk; a member whose class has another one (a worker
 * recompiled but not restarted runs the old class) refuses the chunk, naming both.
 *
 * <p>A fingerprint is taken once per loaded class and kept: a class file rewritten on disk after
 * the class was loaded does not change what this JVM runs, nor its fingerprint. A class whose file
 * cannot be read (made at run time) has the empty fingerprint, which matches anything.
 */
record TaskFingerprint(String className, String sha256) {

  /** A fingerprint that is not checked. */
  static final String UNKNOWN = "";

  private static final ClassValue<String> OF_CLASS =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return sha256Of(type);
        }
      };

  /** The fingerprint of the code of {@code task}. */
  static TaskFingerprint of(Object task) {
    Class<?> declaring = declaringClass(task);
    return new TaskFingerprint(declaring.getName(), OF_CLASS.get(declaring));
  }

  /** Whether {@code other} may be run where this one was expected. */
  boolean matches(TaskFingerprint other) {
    return className.equals(other.className)
        && (sha256.equals(UNKNOWN) || other.sha256.equals(UNKNOWN) || sha256.equals(other.sha256));
  }

  /** The class whose class file holds the task's code. */
  static Class<?> declaringClass(Object task) {
    Object code = task instanceof ClusterResource.Bound<?, ?, ?> bound ? bound.task() : task;
    code = code instanceof ClusterResource.ActionAsTask<?, ?> action ? action.action() : code;
    code = code instanceof ClusterPool.ActionTask<?> action ? action.action() : code;
    code = code instanceof ClusterPool.SerializedTask<?, ?> plain ? plain.task() : code;
    code = code instanceof ClusterPool.SerializedResourceTask<?, ?, ?> plain ? plain.task() : code;
    code = code instanceof ClusterPool.SerializedResourceAction<?, ?> plain ? plain.action() : code;
    return code.getClass().getNestHost();
  }

  private static String sha256Of(Class<?> type) {
    String resource = type.getName().replace('.', '/') + ".class";
    ClassLoader loader = type.getClassLoader();
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      if (in == null) {
        return UNKNOWN;
      }
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    } catch (IOException e) {
      return UNKNOWN;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The first 12 hex digits, enough to tell versions apart in a message. */
  String shortHash() {
    return sha256.isEmpty() ? "unknown" : sha256.substring(0, Math.min(12, sha256.length()));
  }
}
