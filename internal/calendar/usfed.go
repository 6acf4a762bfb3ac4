package calendar

import (
	"slices"
	"time"
)

// USFederalHolidays returns the legal public holidays of 5 U.S.C. §6103(a)
// on the dates they are observed that fall in year, in order: a holiday on a
// Saturday is observed the Friday before and one on a Sunday the Monday after
// (Executive Order 11582 and §6103(b), as OPM publishes them). So the result
// for 2027 ends with 2027-12-31, New Year's Day 2028 observed, and the result
// for 2022 has no January 1 (observed 2021-12-31). Juneteenth is included
// from 2021.
//
// Inauguration Day (January 20 after a presidential election, §6103(c)) is
// not included: it is a holiday only for federal employees in the Washington,
// D.C. area, not a nationwide non-business day. Days off granted ad hoc by
// executive order are not included either; an operator who wants them adds
// them to the calendar data file.
//
// The US_FED_BD data file is generated from this function and a test keeps
// the two in agreement.
func USFederalHolidays(year int) []Day {
	type holiday struct {
		name string
		date Date
	}
	rules := func(y int) []holiday {
		hs := []holiday{
			{"New Year's Day", NewDate(y, time.January, 1)},
			{"Birthday of Martin Luther King, Jr.", nthWeekday(y, time.January, time.Monday, 3)},
			{"Washington's Birthday", nthWeekday(y, time.February, time.Monday, 3)},
			{"Memorial Day", lastWeekday(y, time.May, time.Monday)},
			{"Independence Day", NewDate(y, time.July, 4)},
			{"Labor Day", nthWeekday(y, time.September, time.Monday, 1)},
			{"Columbus Day", nthWeekday(y, time.October, time.Monday, 2)},
			{"Veterans Day", NewDate(y, time.November, 11)},
			{"Thanksgiving Day", nthWeekday(y, time.November, time.Thursday, 4)},
			{"Christmas Day", NewDate(y, time.December, 25)},
		}
		if y >= 2021 {
			hs = append(hs, holiday{"Juneteenth National Independence Day", NewDate(y, time.June, 19)})
		}
		return hs
	}
	var out []Day
	// A holiday of year+1 (New Year's Day) can be observed in year.
	for _, y := range []int{year, year + 1} {
		for _, h := range rules(y) {
			d, name := h.date, h.name
			switch d.Weekday() {
			case time.Saturday:
				d, name = d.AddDays(-1), name+" (observed)"
			case time.Sunday:
				d, name = d.AddDays(1), name+" (observed)"
			}
			if d.Year == year {
				out = append(out, Day{Date: d, Name: name})
			}
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out
}

// nthWeekday returns the n-th (1-based) weekday wd of month m in year y.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) Date {
	first := NewDate(y, m, 1)
	offset := (int(wd) - int(first.Weekday()) + 7) % 7
	return first.AddDays(offset + 7*(n-1))
}

// lastWeekday returns the last weekday wd of month m in year y.
func lastWeekday(y int, m time.Month, wd time.Weekday) Date {
	last := NewDate(y, m+1, 0)
	offset := (int(last.Weekday()) - int(wd) + 7) % 7
	return last.AddDays(-offset)
}
