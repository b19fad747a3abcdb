package dev.imagesyncer.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:9f86d0...}: the address of every blob and manifest. */
public record Digest(String algorithm, String hex) {

    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        Pattern expected = switch (algorithm) {
            case "sha256" -> SHA256_HEX;
            case "sha512" -> SHA512_HEX;
            default -> throw new IllegalArgumentException(
                    "unsupported digest algorithm '" + algorithm + "' (expected sha256 or sha512)");
        };
        if (!expected.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest '" + algorithm + ":" + hex
                    + "' (expected " + (expected == SHA256_HEX ? 64 : 128) + " lowercase hex characters)");
        }
    }

    /** Parses {@code algorithm:hex}; the message of the exception names what is wrong. */
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid digest '" + text + "' (expected sha256:<64 hex characters>)");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(sha256Hasher().digest(content)));
    }

    public static MessageDigest sha256Hasher() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no " + algorithm, e);
        }
    }

    /** True when the finished hasher's value is this digest. */
    public boolean matches(byte[] hashValue) {
        return HexFormat.of().formatHex(hashValue).equals(hex);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
