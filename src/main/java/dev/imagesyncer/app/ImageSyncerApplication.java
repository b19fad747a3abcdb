package dev.imagesyncer.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * The {@code java -jar camel-image-syncer.jar} entry point: the command line of image-syncer. The sync pipeline
 * (Camel routes over the registry client) is wired in here as it lands.
 */
@Command(name = "camel-image-syncer", mixinStandardHelpOptions = true,
        versionProvider = ImageSyncerApplication.Version.class,
        description = "Mirrors container images between Docker Registry V2 / OCI registries, as Apache Camel routes.")
public final class ImageSyncerApplication implements Callable<Integer> {

    /** image-syncer's exit code for usage and configuration errors. */
    static final int USAGE_ERROR = 2;

    public static void main(String[] args) {
        int code = new CommandLine(new ImageSyncerApplication()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        System.err.println("nothing to do yet: the sync pipeline is not wired in this build; see --help");
        return USAGE_ERROR;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ImageSyncerApplication.class.getPackage().getImplementationVersion();
            return new String[] {"camel-image-syncer " + (version != null ? version : "development build")};
        }
    }
}
