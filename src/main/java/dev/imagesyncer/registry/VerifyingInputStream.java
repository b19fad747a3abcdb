package dev.imagesyncer.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts the bytes of a blob as they stream past, so the digest is checked on the same pass as the
 * copy. {@link #verifyComplete()} proves that exactly the announced bytes were read.
 */
final class VerifyingInputStream extends FilterInputStream {

    private final Descriptor expected;
    private final String what;
    private final MessageDigest hasher;
    private long count;

    /** The digest state after the first {@code count} bytes, to carry on from when a download is resumed. */
    record Checkpoint(MessageDigest hasher, long count) {
    }

    VerifyingInputStream(InputStream in, Descriptor expected, String what) {
        this(in, expected, what, new Checkpoint(expected.digest().newHasher(), 0));
    }

    /** Continues from {@code checkpoint}: {@code in} must deliver the bytes that follow it. */
    VerifyingInputStream(InputStream in, Descriptor expected, String what, Checkpoint checkpoint) {
        super(in);
        this.expected = expected;
        this.what = what;
        this.hasher = copyOf(checkpoint.hasher());
        this.count = checkpoint.count();
    }

    /** The digest state of what was read so far. */
    Checkpoint checkpoint() {
        return new Checkpoint(copyOf(hasher), count);
    }

    private static MessageDigest copyOf(MessageDigest hasher) {
        try {
            return (MessageDigest) hasher.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(hasher.getAlgorithm() + " cannot be checkpointed", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            hasher.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            hasher.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("a verified stream is read, not skipped");
    }

    /** Reads exactly {@code length} bytes into the buffer, or fails because the blob ended early. */
    void readExactly(byte[] buffer, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = read(buffer, done, length - done);
            if (n < 0) {
                throw new DigestMismatchException(what + ": blob ended after " + count + " bytes, "
                        + expected.size() + " announced");
            }
            done += n;
        }
    }

    /** Checks that the stream ends here and that what was read has the expected size and digest. */
    void verifyComplete() throws IOException {
        if (in.read() >= 0) {
            throw new DigestMismatchException(what + ": blob is larger than the " + expected.size()
                    + " bytes announced");
        }
        if (expected.size() >= 0 && count != expected.size()) {
            throw new DigestMismatchException(what + ": read " + count + " bytes, " + expected.size() + " announced");
        }
        if (!expected.digest().matches(hasher.digest())) {
            throw new DigestMismatchException(what + ": content does not match digest " + expected.digest());
        }
    }
}
