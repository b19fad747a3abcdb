package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class UploadJournalTest {

    @TempDir
    Path directory;

    private final Repository target = new Repository("harbor.lab", "mirror/app");
    private final Digest blob = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));

    @Test
    void remembers_where_an_upload_stood_until_it_is_forgotten() {
        UploadJournal journal = new UploadJournal(directory.resolve("uploads"));
        String location = "https://harbor.lab/v2/mirror/app/blobs/uploads/3f2a?_state=a%3Db:c#x";
        journal.record(target, blob, new UploadJournal.Entry(location, 8 << 20, 4 << 20));

        UploadJournal nextRun = new UploadJournal(directory.resolve("uploads"));
        assertThat(nextRun.find(target, blob)).contains(new UploadJournal.Entry(location, 8 << 20, 4 << 20));
        assertThat(nextRun.find(new Repository("harbor.lab", "mirror/other"), blob)).isEmpty();

        nextRun.forget(target, blob);
        assertThat(journal.find(target, blob)).isEmpty();
    }

    @Test
    void an_unreadable_entry_is_dropped() throws Exception {
        UploadJournal journal = new UploadJournal(directory);
        journal.record(target, blob, new UploadJournal.Entry("https://harbor.lab/upload", 1, 1));
        try (var entries = Files.list(directory)) {
            Files.writeString(entries.findFirst().orElseThrow(), "offset=not a number\n");
        }

        assertThat(journal.find(target, blob)).isEmpty();
        try (var entries = Files.list(directory)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void none_remembers_nothing() {
        UploadJournal.NONE.record(target, blob, new UploadJournal.Entry("https://harbor.lab/upload", 1, 1));
        assertThat(UploadJournal.NONE.find(target, blob)).isEmpty();
    }
}
