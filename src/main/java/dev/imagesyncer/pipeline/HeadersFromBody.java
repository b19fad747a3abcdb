package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.BlobCopy;
import dev.imagesyncer.job.CopyJob;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Sets the headers that steps users add read, from the body about to enter a route: a {@link CopyJob} gives
 * {@link Headers#SOURCE} and {@link Headers#DESTINATION} (before {@code copy-image}), a {@link BlobCopy} gives
 * {@link Headers#DIGEST} and {@link Headers#SIZE} (before {@code copy-blob}). Plain Java rather than Simple
 * expressions such as {@code ${body.source}}: those resolve the method by reflection on every exchange, which
 * measurably slowed a run of many small images.
 */
public final class HeadersFromBody implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        if (body instanceof CopyJob job) {
            message.setHeader(Headers.SOURCE, job.source());
            message.setHeader(Headers.DESTINATION, job.destination());
        } else if (body instanceof BlobCopy blob) {
            message.setHeader(Headers.DIGEST, blob.digest());
            message.setHeader(Headers.SIZE, blob.size());
        }
    }
}
