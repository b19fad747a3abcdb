package dev.imagesyncer.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content digests in the registry's notation ({@code "sha256:<64 lowercase hex>"}). */
public final class Digests {

    private Digests() {
    }

    /** Returns {@code "sha256:" + hex(SHA-256(bytes))}. */
    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256Bytes(bytes));
    }

    /** Returns the raw 32-byte SHA-256 of {@code bytes}. */
    public static byte[] sha256Bytes(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
