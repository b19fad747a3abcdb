package dev.imagesyncer.registry;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The next {@code length} bytes of a verifying stream as a request body. For the final piece of a blob, the
 * digest is checked before the last buffer is written: with {@code Content-Length} fixed, a registry never
 * receives a complete body with the wrong content, so it never commits a corrupt blob.
 */
final class BlobChunkEntity extends AbstractHttpEntity {

    private static final int BUFFER_SIZE = 256 * 1024;

    private final VerifyingInputStream source;
    private final long length;
    private final boolean last;

    BlobChunkEntity(VerifyingInputStream source, long length, boolean last) {
        super(ContentType.APPLICATION_OCTET_STREAM, null);
        this.source = source;
        this.length = length;
        this.last = last;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER_SIZE, Math.max(length, 1))];
        long remaining = length;
        if (remaining == 0 && last) {
            source.verifyComplete();
        }
        while (remaining > 0) {
            int n = (int) Math.min(buffer.length, remaining);
            source.readExactly(buffer, n);
            remaining -= n;
            if (remaining == 0 && last) {
                source.verifyComplete();
            }
            out.write(buffer, 0, n);
        }
        out.flush();
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public InputStream getContent() {
        throw new UnsupportedOperationException("a blob chunk is written, not read");
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public boolean isStreaming() {
        return true;
    }

    @Override
    public void close() {
        // the source stream belongs to the upload, which closes it
    }
}
