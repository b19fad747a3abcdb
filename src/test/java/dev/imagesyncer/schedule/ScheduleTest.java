package dev.imagesyncer.schedule;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schedules people type, and the Quartz cron each becomes. */
class ScheduleTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0 0/30 * * * ?     | 0 0/30 * * * ?",
            "0 15 10 ? * MON-FRI 2027 | 0 15 10 ? * MON-FRI 2027",
            "*/5 * * * *        | 0 */5 * * * ?",
            "30 2 * * *         | 0 30 2 * * ?",
            "0 9 * * 1-5        | 0 0 9 ? * 2,3,4,5,6",
            "0 0 * * 0          | 0 0 0 ? * 1",
            "0 0 * * 7          | 0 0 0 ? * 1",
            "0 0 * * 5-7        | 0 0 0 ? * 6,7,1",
            "0 0 * * */2        | 0 0 0 ? * 1,3,5,7",
            "0 0 * * 1/2        | 0 0 0 ? * 2,4,6,1",
            "0 0 * * MON,WED    | 0 0 0 ? * MON,WED",
            "0 4 1 * *          | 0 0 4 1 * ?",
            "@hourly            | 0 0 * * * ?",
            "@daily             | 0 0 0 * * ?",
            "@weekly            | 0 0 0 ? * 1",
            "@every 10m         | 0 0/10 * * * ?",
            "@every 30s         | 0/30 * * * * ?",
            "@every 6h          | 0 0 0/6 * * ?",
            "@every 60m         | 0 0 * * * ?",
    })
    void is_turned_into_a_quartz_cron(String written, String quartz) {
        Schedule schedule = Schedule.parse(written);

        assertThat(schedule.quartz()).isEqualTo(quartz);
        assertThat(schedule.converted()).isEqualTo(!written.equals(quartz));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0 0 1 * 1    | restricts both the day of the month and the day of the week",
            "@every 7m    | 7 does not divide an hour",
            "@every 5d    | is not a schedule; give a Quartz cron",
            "tomorrow     | is not a schedule; give a Quartz cron",
            "61 * * * *   | is not a valid schedule",
            "0 0 * * 9    | day of week \"9\" is not 0-7",
            "@every 99999999999s | is too large",
    })
    void is_refused_with_one_line_that_says_why(String written, String why) {
        assertThatThrownBy(() -> Schedule.parse(written)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why).hasMessageContaining("\"" + written.trim() + "\"")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
