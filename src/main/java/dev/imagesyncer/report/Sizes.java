package dev.imagesyncer.report;

/** Byte counts as people read them. */
public final class Sizes {

    private Sizes() {
    }

    /** {@code bytes} as {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 GiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }
}
