package dev.imagesyncer.copy;

import java.io.InputStream;

/** A reproducible pseudo-random blob of any size, produced as a stream and never held in memory. */
final class GeneratedBlob extends InputStream {

    private final long size;
    private long position;
    private long state;

    GeneratedBlob(long size, long seed) {
        this.size = size;
        this.state = seed | 1;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        for (int i = 0; i < n; i++) {
            if ((position + i & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            buffer[offset + i] = (byte) (state >>> ((position + i & 7) << 3));
        }
        position += n;
        return n;
    }
}
