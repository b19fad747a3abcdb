package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.report.ImageOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import java.time.Duration;
import java.util.List;

/** The steps of syncing one image: read the source once, then copy it to each destination. */
public final class ImageSync {

    /**
     * HEAD the source (one call, whatever the number of destinations): one copy task per destination. Once the
     * run is interrupted, images that have not started are left for the next run; one being retried is in
     * progress and goes on.
     */
    public List<CopyTask> headSource(ImageCopyJob job, @ExchangeProperty(SyncRun.PROPERTY) SyncRun run,
                                     @Header(Exchange.REDELIVERED) Boolean redelivered) {
        if (run.report().isInterrupted() && !Boolean.TRUE.equals(redelivered)) {
            return List.of();
        }
        Descriptor head = run.copier().headSource(job.source());
        return job.targets().stream().map(target -> new CopyTask(job.source(), head, target)).toList();
    }

    public ImageOutcome copy(CopyTask task, @ExchangeProperty(SyncRun.PROPERTY) SyncRun run,
                             @Header(Exchange.REDELIVERY_COUNTER) Integer redeliveries) {
        long started = System.nanoTime();
        CopyResult result = run.copier().copy(task.source(), task.sourceHead(), task.target(),
                run.settings().copyOptions());
        return run.report().copied(result, Duration.ofNanos(System.nanoTime() - started),
                1 + (redeliveries == null ? 0 : redeliveries));
    }
}
