//! Turning the dates a notice gives into instants.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The instant a notice closes: at `time` on `date` in `tz`, or at the end of that day (the
/// following midnight) when the notice gives a plain date or says "midnight".
pub fn closing_instant(date: NaiveDate, time: Option<NaiveTime>, tz: Tz) -> Option<DateTime<Utc>> {
    let local = match time {
        Some(time) => date.and_time(time),
        None => date
            .checked_add_days(Days::new(1))?
            .and_time(NaiveTime::MIN),
    };
    tz.from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// The first instant of `date` in `tz`.
pub fn start_of_day(date: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// The day `at` falls on in the time zone named `time_zone` (UTC when it names none known).
pub fn local_date(at: DateTime<Utc>, time_zone: &str) -> NaiveDate {
    at.with_timezone(&time_zone.parse().unwrap_or(Tz::UTC))
        .date_naive()
}

/// A closing instant as the notice writes it, on the clock of the notice's time zone. A notice
/// that closes "at midnight" closes at the end of its day, so an instant at local midnight reads
/// as the day before at 24:00, never as the next day at 00:00.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDeadline {
    /// The last day applications are accepted, in the notice's time zone.
    pub date: NaiveDate,
    /// Hours and minutes on `date` (`17:00`), `24:00` at the end of the day.
    pub time: String,
    /// Whether the notice closes at the end of `date` (midnight).
    pub end_of_day: bool,
    /// The IANA name of the notice's time zone.
    pub time_zone: Tz,
    /// The zone's offset from UTC at the closing instant (`+02:00`).
    pub utc_offset: String,
    /// The closing instant with that offset (`2025-06-04T00:00:00+02:00`), for `validThrough`.
    pub rfc3339: String,
}

impl LocalDeadline {
    /// The instant `at` on the clock of `tz`.
    pub fn new(at: DateTime<Utc>, tz: Tz) -> Self {
        let local = at.with_timezone(&tz);
        let offset = local.offset().fix();
        let fixed = at.with_timezone(&offset);
        let end_of_day = local.time() == NaiveTime::MIN;
        let (date, time) = if end_of_day {
            let day_before = local.date_naive().pred_opt().unwrap_or(local.date_naive());
            (day_before, "24:00".to_owned())
        } else {
            let time = local.time();
            (
                local.date_naive(),
                format!("{:02}:{:02}", time.hour(), time.minute()),
            )
        };
        Self {
            date,
            time,
            end_of_day,
            time_zone: tz,
            utc_offset: fixed.format("%:z").to_string(),
            rfc3339: fixed.to_rfc3339(),
        }
    }

    /// A stored vacancy's deadline; a zone the database does not name reads as UTC.
    pub fn of(at: DateTime<Utc>, time_zone: &str) -> Self {
        Self::new(at, time_zone.parse().unwrap_or(Tz::UTC))
    }

    /// `2025-06-03 24:00 (Europe/Zurich)`: what the notice said, in any language.
    pub fn line(&self) -> String {
        format!("{} {} ({})", self.date, self.time, self.time_zone.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_geneva_time_reads_as_the_day_the_notice_names() {
        let date = NaiveDate::from_ymd_opt(2025, 6, 3).unwrap();
        let at = closing_instant(date, None, chrono_tz::Europe::Zurich).unwrap();
        let local = LocalDeadline::new(at, chrono_tz::Europe::Zurich);
        assert_eq!(local.date, date);
        assert_eq!(local.time, "24:00");
        assert!(local.end_of_day);
        assert_eq!(local.utc_offset, "+02:00");
        assert_eq!(local.rfc3339, "2025-06-04T00:00:00+02:00");
        assert_eq!(local.line(), "2025-06-03 24:00 (Europe/Zurich)");
    }

    #[test]
    fn a_closing_time_within_the_day_reads_as_is() {
        let date = NaiveDate::from_ymd_opt(2023, 9, 7).unwrap();
        let time = NaiveTime::from_hms_opt(17, 0, 0);
        let at = closing_instant(date, time, chrono_tz::Africa::Casablanca).unwrap();
        let local = LocalDeadline::of(at, "Africa/Casablanca");
        assert_eq!((local.date, local.time.as_str()), (date, "17:00"));
        assert!(!local.end_of_day);
        assert_eq!(local.utc_offset, "+01:00");
    }

    #[test]
    fn midnight_geneva_time_is_the_end_of_the_day_in_zurich() {
        let date = NaiveDate::from_ymd_opt(2025, 6, 3).unwrap();
        let at = closing_instant(date, None, chrono_tz::Europe::Zurich).unwrap();
        assert_eq!(at.to_rfc3339(), "2025-06-03T22:00:00+00:00");
    }

    #[test]
    fn a_local_closing_time_is_kept() {
        let date = NaiveDate::from_ymd_opt(2023, 9, 7).unwrap();
        let time = NaiveTime::from_hms_opt(17, 0, 0);
        let at = closing_instant(date, time, chrono_tz::Africa::Casablanca).unwrap();
        assert_eq!(at.to_rfc3339(), "2023-09-07T16:00:00+00:00");
    }
}
