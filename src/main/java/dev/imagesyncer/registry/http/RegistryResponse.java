package dev.imagesyncer.registry.http;

import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/** A registry's answer, body not yet read. Close it to give the connection back to the pool. */
public final class RegistryResponse implements Closeable {

    private final ClassicHttpResponse response;
    private final URI uri;

    RegistryResponse(ClassicHttpResponse response, URI uri) {
        this.response = response;
        this.uri = uri;
    }

    public int status() {
        return response.getCode();
    }

    /** The URL that answered, after redirects: relative {@code Location} and {@code Link} values resolve against it. */
    public URI uri() {
        return uri;
    }

    public Optional<String> header(String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? Optional.empty() : Optional.of(header.getValue());
    }

    public long contentLength() {
        HttpEntity entity = response.getEntity();
        if (entity != null && entity.getContentLength() >= 0) {
            return entity.getContentLength();
        }
        return header("Content-Length").map(Long::parseLong).orElse(-1L);
    }

    public InputStream body() throws IOException {
        HttpEntity entity = response.getEntity();
        return entity == null ? InputStream.nullInputStream() : entity.getContent();
    }

    /**
     * Reads at most {@code limit} bytes of the body.
     *
     * @throws IOException when the body is longer than the limit
     */
    public byte[] readBody(int limit) throws IOException {
        try (InputStream in = body()) {
            byte[] bytes = in.readNBytes(limit);
            if (bytes.length == limit && in.read() >= 0) {
                throw new IOException("response body larger than " + limit + " bytes");
            }
            return bytes;
        }
    }

    /** Reads what the body holds up to {@code limit}, ignoring the rest: for error messages. */
    byte[] readBodyPrefix(int limit) {
        try (InputStream in = body()) {
            return in.readNBytes(limit);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Gives the connection back to the pool, after reading what is left of the body. */
    @Override
    public void close() {
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }

    /**
     * Drops the connection without reading the rest of the body: the way out when a transfer fails, so that a
     * failed upload never waits for the rest of a multi-gigabyte download.
     */
    public void abort() {
        if (response instanceof ModalCloseable modal) {
            modal.close(CloseMode.IMMEDIATE);
        } else {
            close();
        }
    }
}
