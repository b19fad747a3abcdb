package dev.imagesyncer.app;

import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.copy.BlobCopy;
import dev.imagesyncer.copy.BlobCounts;
import dev.imagesyncer.copy.BlobResult;
import dev.imagesyncer.copy.CopyPlan;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.job.CopyJob;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.pipeline.Headers;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.report.RunSummary;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.main.Main;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The shipped YAML routes (or a fixture copy of them) in camel-main, with the real beans of {@link SyncBeans} but
 * for the steps that call registries: those are stubs that count their calls and fail as a test tells them.
 * Every image has two blobs: one it shares with every other image, one of its own.
 */
final class RoutesHarness implements AutoCloseable {

    static final String SHARED_LAYER = "shared";

    final Map<String, AtomicInteger> blobCalls = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> planCalls = new ConcurrentHashMap<>();
    final Queue<String> pushed = new ConcurrentLinkedQueue<>();
    final Queue<Map<String, Object>> blobHeaders = new ConcurrentLinkedQueue<>();
    /** Layer name ("shared", or the image's tag) to the exception its copy throws, every time. */
    final Map<String, Function<String, RuntimeException>> failingBlobs = new ConcurrentHashMap<>();
    /** Destinations whose plan step waits until {@link #release} counts down. */
    final Set<String> heldPlans = ConcurrentHashMap.newKeySet();
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger held = new AtomicInteger();
    /** Source (as written in the rule) to how long its tag listing takes, in milliseconds. */
    final Map<String, Long> slowRules = new ConcurrentHashMap<>();
    /** Destination to the exception its plan step throws, every time. */
    final Map<String, Function<String, RuntimeException>> failingPlans = new ConcurrentHashMap<>();
    private final Main main = new Main();

    private RoutesHarness(Path routes, Map<String, String> properties) throws Exception {
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        main.addOverrideProperty("sync.retries.delay", "1");
        properties.forEach(main::addOverrideProperty);
        main.configure().withRoutesIncludePattern("file:" + routes.toAbsolutePath() + "/*.camel.yaml")
                .withRoutesExcludePattern("**/" + SyncApplication.SERVICE_ROUTES + ",**/" + ClusterMode.ROUTES);
        main.configure().addConfiguration(new Stubs());
        main.start();
    }

    /** The shipped routes. */
    static RoutesHarness shipped(Map<String, String> properties) throws Exception {
        return new RoutesHarness(Path.of("routes"), properties);
    }

    /** The routes of a fixture directory under {@code src/test/resources/routes-fixtures}. */
    static RoutesHarness fixture(String name, Map<String, String> properties) throws Exception {
        return new RoutesHarness(Path.of("src/test/resources/routes-fixtures", name), properties);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    /** One run over {@code images} (an images map), as a bus would send it to direct:sync. */
    RunSummary run(Map<String, Object> images) throws Exception {
        return main.getCamelTemplate().requestBody("direct:sync", images, RunSummary.class);
    }

    int blobCalls(String layer) {
        return blobCalls.getOrDefault(layer, new AtomicInteger()).get();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }

    private static Digest digestOf(String text) {
        return Digest.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The layer a blob stands for: {@link #SHARED_LAYER} or the tag of the image it belongs to. */
    private static final Map<Digest, String> LAYERS = new ConcurrentHashMap<>();

    private static Descriptor layer(String name) {
        Digest digest = digestOf("layer " + name);
        LAYERS.put(digest, name);
        return Descriptor.of("application/vnd.oci.image.layer.v1.tar+gzip", digest, 100 + name.length());
    }

    /** The beans of SyncBeans, then the stubs over its registry steps. */
    private final class Stubs implements CamelConfiguration {
        @Override
        public void configure(CamelContext context) {
            new SyncBeans(Map.of(), Clock.systemUTC()).configure(context);
            Processor listTags = context.getRegistry().lookupByNameAndType("listTags", Processor.class);
            context.getRegistry().unbind("listTags");
            context.getRegistry().bind("listTags", (Processor) exchange -> {
                Thread.sleep(slowRules.getOrDefault(exchange.getMessage().getBody(SyncRule.class).source(), 0L));
                listTags.process(exchange);
            });
            context.getRegistry().unbind("headSource");
            context.getRegistry().bind("headSource", (Processor) exchange -> {
                ImageJob job = exchange.getMessage().getBody(ImageJob.class);
                Descriptor head = Descriptor.of(MediaTypes.OCI_MANIFEST, digestOf(job.source()), 10);
                exchange.getMessage().setBody(job.destinations().stream()
                        .map(destination -> new CopyJob(job.source(), destination, head, job.options())).toList());
            });
            context.getRegistry().unbind("planCopy");
            context.getRegistry().bind("planCopy", (Processor) exchange -> {
                CopyJob job = exchange.getMessage().getBody(CopyJob.class);
                planCalls.computeIfAbsent(job.destination(), d -> new AtomicInteger()).incrementAndGet();
                if (heldPlans.contains(job.destination())) {
                    held.incrementAndGet();
                    release.await();
                }
                Function<String, RuntimeException> failure = failingPlans.get(job.destination());
                if (failure != null) {
                    throw failure.apply(job.destination());
                }
                ImageReference source = job.sourceReference();
                ImageReference target = job.destinationReference();
                Manifest manifest = new Manifest(job.source().getBytes(StandardCharsets.UTF_8),
                        MediaTypes.OCI_MANIFEST, job.sourceHead().digest());
                List<BlobCopy> blobs = List.of(
                        new BlobCopy(source.repository(), target.repository(), layer(SHARED_LAYER)),
                        new BlobCopy(source.repository(), target.repository(), layer(source.tag())));
                exchange.getMessage().setBody(new CopyPlan(source, target, manifest.digest(), null, "", manifest,
                        List.of(), blobs, List.of(), BlobCounts.NONE));
            });
            context.getRegistry().unbind("copyBlob");
            context.getRegistry().bind("copyBlob", (Processor) exchange -> {
                BlobCopy blob = exchange.getMessage().getBody(BlobCopy.class);
                String layer = LAYERS.get(blob.blob().digest());
                blobCalls.computeIfAbsent(layer, l -> new AtomicInteger()).incrementAndGet();
                blobHeaders.add(Map.of(
                        Headers.SOURCE, exchange.getMessage().getHeader(Headers.SOURCE, ""),
                        Headers.DESTINATION, exchange.getMessage().getHeader(Headers.DESTINATION, ""),
                        Headers.DIGEST, exchange.getMessage().getHeader(Headers.DIGEST, ""),
                        Headers.SIZE, exchange.getMessage().getHeader(Headers.SIZE, -2L)));
                Function<String, RuntimeException> failure = failingBlobs.get(layer);
                if (failure != null) {
                    throw failure.apply(blob.toString());
                }
                exchange.getMessage().setBody(BlobResult.copied(blob.size()));
            });
            context.getRegistry().unbind("pushManifests");
            context.getRegistry().bind("pushManifests", (Processor) exchange -> {
                CopyPlan plan = exchange.getMessage().getBody(CopyPlan.class);
                pushed.add(plan.target().toString());
                exchange.getMessage().setBody(new CopyResult(plan.source(), plan.target(), plan.digest(),
                        CopyResult.SYNCED, "", plan.blobCounts(), 1, null));
            });
        }
    }

}
