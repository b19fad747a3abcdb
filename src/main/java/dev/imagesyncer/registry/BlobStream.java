package dev.imagesyncer.registry;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** An open blob download: read {@link #content()} once, then close to free the connection. */
public record BlobStream(InputStream content, long length, Closeable connection) implements Closeable {

    @Override
    public void close() throws IOException {
        try {
            content.close();
        } finally {
            connection.close();
        }
    }
}
