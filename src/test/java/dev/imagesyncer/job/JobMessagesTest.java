package dev.imagesyncer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.registry.Platform;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster's messages, a copy job and its outcome, through JSON and back as camel-jackson converts them. */
class JobMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Digest DIGEST = Digest.sha256("manifest".getBytes());

    @Test
    void a_copy_job_with_every_option_comes_back_equal() throws Exception {
        JobOptions options = new JobOptions(true, List.of("linux"), List.of("arm64/v8"), true,
                List.of("application/spdx+json"), false);
        CopyJob job = new CopyJob("src.example/lab/app:v1", "dst.example/mirror/app",
                new Descriptor(MediaTypes.OCI_INDEX, DIGEST, 1234, new Platform("linux", "arm64", "v8", null),
                        List.of("https://example/layer")), options);

        String text = JSON.writeValueAsString(job);

        assertThat(JSON.readValue(text, CopyJob.class)).isEqualTo(job);
        assertThat(text).doesNotContain("foreign");
    }

    @Test
    void a_skip_existing_job_keeps_the_destination_it_found() throws Exception {
        CopyJob job = new CopyJob("src.example/lab/app:v1", "dst.example/mirror/app", null,
                JobOptions.DEFAULT, Descriptor.of(MediaTypes.OCI_MANIFEST, DIGEST, 99));

        assertThat(JSON.readValue(JSON.writeValueAsString(job), CopyJob.class)).isEqualTo(job);
    }

    @Test
    void an_outcome_with_its_counts_comes_back_equal() throws Exception {
        JobOutcome outcome = new JobOutcome("20261129T000000.000Z", "node-a",
                new ImageOutcome("s/a:v1", "d/a:v1", ImageOutcome.SYNCED, DIGEST.toString(), 4096, 1.5, 1, ""),
                new RunSummary.TransferCounts(2, 1, 0, 1, 4096, 0, 0, 1, 0, 0));

        assertThat(JSON.readValue(JSON.writeValueAsString(outcome), JobOutcome.class)).isEqualTo(outcome);
    }
}
