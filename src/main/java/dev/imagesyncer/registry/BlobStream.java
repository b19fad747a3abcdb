package dev.imagesyncer.registry;

import dev.imagesyncer.registry.http.RegistryResponse;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An open blob download: read {@link #content()} once, then {@link #close()} it, or {@link #abort()} it when the
 * transfer failed so that the rest of the body is not downloaded for nothing.
 */
public final class BlobStream implements Closeable {

    private final InputStream content;
    private final long length;
    private final RegistryResponse response;

    BlobStream(RegistryResponse response, InputStream content, long length) {
        this.response = response;
        this.content = content;
        this.length = length;
    }

    /** A blob that is not a registry download: generated, or read from a file. */
    public static BlobStream of(InputStream content, long length) {
        return new BlobStream(null, content, length);
    }

    public InputStream content() {
        return content;
    }

    /** The length the server announced, or -1. */
    public long length() {
        return length;
    }

    public void abort() {
        if (response != null) {
            response.abort();
        } else {
            closeQuietly();
        }
    }

    @Override
    public void close() throws IOException {
        if (response != null) {
            response.close();
        } else {
            content.close();
        }
    }

    private void closeQuietly() {
        try {
            content.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
