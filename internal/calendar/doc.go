// Package calendar holds the legal calendars dajia counts deadlines on and the
// arithmetic that turns a start instant and a period into a deadline.
//
// Calendars are versioned data files (see the data directory): a time zone,
// weekly rest days, and per covered year the holidays and extra working days
// with the official source they come from. The built-in files are embedded;
// an operator can load newer ones with [Load] or [LoadFS] and combine them
// with [Set.With]. Built-in calendars:
//
//   - CD: calendar days, UTC, no rest days, every year covered.
//   - CN_WD: PRC working days in Asia/Shanghai, from the State Council's
//     yearly holiday notice, including 调休 make-up working days. 2027 is
//     provisional (derived from the statutory holidays, no 调休 swaps).
//   - US_FED_BD: Monday to Friday in America/New_York, excluding the federal
//     holidays of 5 U.S.C. §6103 on their observed dates.
//   - EU_WD: a placeholder for the EU, Monday to Friday in Europe/Brussels
//     with no holidays, until member-state calendars (EU_<MS>_WD) are added.
//
// A calendar with dated holidays never answers for a year it does not cover:
// every query or computation that would need such a year fails with an error
// matching [ErrNotCovered], so a CN deadline is never silently counted from
// weekdays alone.
//
// Everything is pure: no clock is read, times are passed in, and a computed
// [Deadline] is an absolute UTC instant together with the calendar ID, the
// calendar version and the rule that produced it.
//
// The package reads time zones with [time.LoadLocation]; a binary that may
// run without a system zoneinfo database should import time/tzdata.
package calendar
