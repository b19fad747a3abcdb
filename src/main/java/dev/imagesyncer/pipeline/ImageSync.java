package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.registry.Descriptor;
import org.apache.camel.ExchangeProperty;

import java.time.Duration;
import java.util.List;

/** The steps of syncing one image: read the source once, then copy it to each destination. */
public final class ImageSync {

    /** HEAD the source (one call, whatever the number of destinations): one copy task per destination. */
    public List<CopyTask> headSource(ImageCopyJob job, @ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        Descriptor head = run.copier().headSource(job.source());
        return job.targets().stream().map(target -> new CopyTask(job.source(), head, target)).toList();
    }

    public CopyResult copy(CopyTask task, @ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        long started = System.nanoTime();
        CopyResult result = run.copier().copy(task.source(), task.sourceHead(), task.target(),
                run.settings().copyOptions());
        run.report().copied(result, Duration.ofNanos(System.nanoTime() - started));
        return result;
    }
}
