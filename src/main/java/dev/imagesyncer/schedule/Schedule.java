package dev.imagesyncer.schedule;

import org.quartz.CronExpression;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule as people write it, and the Quartz cron that fires it. Accepted: a Quartz cron (6 or 7 fields,
 * seconds first), a Unix cron (5 fields: minute, hour, day of month, month, day of week; converted), {@code @hourly},
 * {@code @daily} (or {@code @midnight}), {@code @weekly} (Sunday at midnight) and {@code @every N[smh]} where N
 * divides a minute, an hour or a day.
 *
 * @param written as given
 * @param quartz  the Quartz cron expression (validated by Quartz's own parser)
 */
public record Schedule(String written, String quartz) {

    /** The accepted forms, as an error names them. */
    public static final String FORMS = "a Quartz cron (6 or 7 fields, e.g. \"0 0/30 * * * ?\"), a Unix cron "
            + "(5 fields, e.g. \"*/5 * * * *\"), @hourly, @daily, @weekly or @every N[smh] (N dividing a minute, an "
            + "hour or a day, e.g. @every 10m)";

    private static final Pattern EVERY = Pattern.compile("@every\\s+(\\d+)\\s*([smh])");
    private static final Pattern DOW_ITEM = Pattern.compile("(\\*|\\d+)(?:-(\\d+))?(?:/(\\d+))?");

    /**
     * Parses a schedule.
     *
     * @throws IllegalArgumentException naming the schedule and what is wrong, or listing the accepted forms
     */
    public static Schedule parse(String text) {
        String written = text == null ? "" : text.trim();
        String quartz = toQuartz(written);
        if (!CronExpression.isValidExpression(quartz)) {
            try {
                new CronExpression(quartz);
            } catch (ParseException e) {
                throw new IllegalArgumentException("\"" + written + "\" is not a valid schedule ("
                        + e.getMessage() + "); give " + FORMS, e);
            }
        }
        return new Schedule(written, quartz);
    }

    /** True when the schedule was written in another form than Quartz's. */
    public boolean converted() {
        return !written.equals(quartz);
    }

    private static String toQuartz(String written) {
        String lower = written.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "@hourly":
                return "0 0 * * * ?";
            case "@daily":
            case "@midnight":
                return "0 0 0 * * ?";
            case "@weekly":
                return "0 0 0 ? * 1";
            default:
                break;
        }
        Matcher every = EVERY.matcher(lower);
        if (every.matches()) {
            return every(written, number(written, every.group(1)), every.group(2).charAt(0));
        }
        String[] fields = written.split("\\s+");
        if (written.isEmpty() || written.startsWith("@") || fields.length < 5 || fields.length > 7) {
            throw new IllegalArgumentException("\"" + written + "\" is not a schedule; give " + FORMS);
        }
        return fields.length == 5 ? fromUnix(written, fields) : written;
    }

    /** {@code @every N unit}: a cron that fires every N units, from the start of the next larger unit. */
    private static String every(String written, int n, char unit) {
        int whole = unit == 'h' ? 24 : 60;
        if (n < 1 || n > whole || whole % n != 0) {
            throw new IllegalArgumentException("\"" + written + "\": " + n + " does not divide "
                    + (unit == 's' ? "a minute" : unit == 'm' ? "an hour" : "a day") + "; give " + FORMS);
        }
        if (n == whole) {
            return unit == 's' ? "0 * * * * ?" : unit == 'm' ? "0 0 * * * ?" : "0 0 0 * * ?";
        }
        return switch (unit) {
            case 's' -> "0/" + n + " * * * * ?";
            case 'm' -> "0 0/" + n + " * * * ?";
            default -> "0 0 0/" + n + " * * ?";
        };
    }

    /**
     * A Unix cron as Quartz writes it: seconds 0 in front; one of day of month and day of week becomes {@code ?};
     * day-of-week numbers (Unix: 0 and 7 are Sunday) mapped to Quartz's (1 is Sunday).
     */
    private static String fromUnix(String written, String[] f) {
        boolean anyDay = f[2].equals("*");
        boolean anyWeekday = f[4].equals("*");
        if (!anyDay && !anyWeekday) {
            throw new IllegalArgumentException("\"" + written + "\" restricts both the day of the month and the day"
                    + " of the week, which Unix cron reads as either one and Quartz cannot say; restrict one of them,"
                    + " or give a Quartz cron");
        }
        String dayOfMonth = anyWeekday ? f[2] : "?";
        String dayOfWeek = anyWeekday ? "?" : quartzWeekdays(written, f[4]);
        return String.join(" ", "0", f[0], f[1], dayOfMonth, f[3], dayOfWeek);
    }

    /** A number of the schedule; one too large for any field is an error naming the schedule. */
    private static int number(String written, String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + written + "\": " + digits + " is too large; give " + FORMS, e);
        }
    }

    /** Unix day-of-week numbers (0-7, Sunday 0 and 7) as Quartz's (1-7, Sunday 1); names stay as they are. */
    private static String quartzWeekdays(String written, String field) {
        List<String> items = new ArrayList<>();
        for (String item : field.split(",")) {
            Matcher numbers = DOW_ITEM.matcher(item);
            if (!numbers.matches()) {
                items.add(item); // names (MON-FRI), which both read alike
                continue;
            }
            boolean all = numbers.group(1).equals("*");
            int from = all ? 0 : number(written, numbers.group(1));
            // N/step runs to the end of the week (7, Sunday again, as cronie reads it); */step from 0 to 6
            int to = numbers.group(2) != null ? number(written, numbers.group(2))
                    : all ? 6 : numbers.group(3) != null ? 7 : from;
            int step = numbers.group(3) != null ? number(written, numbers.group(3)) : 1;
            if (from > 7 || to > 7 || from > to || step < 1) {
                throw new IllegalArgumentException("\"" + written + "\": day of week \"" + item
                        + "\" is not 0-7 (Sunday is 0 or 7)");
            }
            for (int day = from; day <= to; day += step) {
                String quartzDay = Integer.toString(day % 7 + 1);
                if (!items.contains(quartzDay)) {
                    items.add(quartzDay);
                }
            }
        }
        return String.join(",", items);
    }
}
