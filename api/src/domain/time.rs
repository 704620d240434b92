//! Turning the dates a notice gives into instants.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
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

#[cfg(test)]
mod tests {
    use super::*;

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
