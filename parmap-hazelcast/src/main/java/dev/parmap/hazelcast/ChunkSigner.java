package dev.parmap.hazelcast;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Signs and checks parmap's messages with HMAC-SHA256 under the cluster's shared secret ({@link
 * ClusterConfig.Builder#sharedSecret}), when there is one. A chunk signed by the caller proves to a
 * member that it comes from a holder of the secret; a result signed by the member proves the same
 * to the caller. A signer without a secret signs with an empty signature and accepts any.
 *
 * <p>Thread-safe: a {@link Mac} is made for each message (they are not thread-safe).
 */
final class ChunkSigner {

  /** The shortest secret accepted: 128 bits. */
  static final int MIN_SECRET_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] NONE = new byte[0];

  private final @Nullable SecretKeySpec key;

  private ChunkSigner(byte @Nullable [] secret) {
    this.key = secret == null ? null : new SecretKeySpec(secret, ALGORITHM);
  }

  static ChunkSigner of(ClusterConfig config) {
    return new ChunkSigner(config.sharedSecret());
  }

  static ChunkSigner withSecret(byte[] secret) {
    return new ChunkSigner(secret.clone());
  }

  static ChunkSigner none() {
    return new ChunkSigner(null);
  }

  /** Whether this signer has a secret: it signs, and refuses what is not signed with it. */
  boolean hasSecret() {
    return key != null;
  }

  /** The signature of {@code message}, or an empty array without a secret. */
  byte[] sign(byte[] message) {
    SecretKeySpec k = key;
    if (k == null) {
      return NONE;
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(k);
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
  }

  /**
   * Whether {@code signature} is {@code message}'s signature under this signer's secret (compared
   * in constant time); always true without a secret.
   */
  boolean verify(byte[] message, byte[] signature) {
    if (key == null) {
      return true;
    }
    return MessageDigest.isEqual(sign(message), signature);
  }

  @Override
  public String toString() {
    return key == null ? "ChunkSigner[no secret]" : "ChunkSigner[secret]";
  }

  /** A copy of {@code secret} after checking its length. */
  static byte[] checkSecret(byte[] secret) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the shared secret must have at least "
              + MIN_SECRET_BYTES
              + " bytes (128 bits), but has "
              + secret.length
              + "; use 32 random bytes, for instance `openssl rand -base64 32`");
    }
    return Arrays.copyOf(secret, secret.length);
  }
}
