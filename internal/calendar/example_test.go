package calendar_test

import (
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/calendar"
)

// The ECL 43 waiting period: 15 days from the day after the forwarded
// declaration reached the rights holder, rolled over the 2026 National Day
// block, and tolled for a notarization with the 20-WD cap.
func Example() {
	cals, err := calendar.Builtin()
	if err != nil {
		panic(err)
	}
	shanghai := time.FixedZone("CST", 8*3600)
	arrival := time.Date(2026, 9, 17, 10, 0, 0, 0, shanghai)
	base, err := cals.Compute(arrival, calendar.Period{Value: 15, Unit: calendar.CalendarDays, Calendar: "CN_WD"}, calendar.RuleCC201CC203)
	if err != nil {
		panic(err)
	}
	fmt.Println(base.At, base.LocalDate, base.CalendarID, base.RuleRef)

	notarization := calendar.Interval{
		From: time.Date(2026, 9, 21, 9, 0, 0, 0, shanghai),
		To:   time.Date(2026, 9, 30, 17, 0, 0, 0, shanghai),
	}
	tolled, err := cals.Toll(arrival, base, []calendar.Interval{notarization},
		calendar.Period{Value: 20, Unit: calendar.WorkingDays, Calendar: "CN_WD"}, calendar.CapTotalPeriod)
	if err != nil {
		panic(err)
	}
	fmt.Println(tolled.At, tolled.LocalDate, tolled.Tolled, tolled.Capped)
	// Output:
	// 2026-10-08 16:00:00 +0000 UTC 2026-10-08 CN_WD CC201+CC203
	// 2026-10-12 16:00:00 +0000 UTC 2026-10-12 10 false
}

// The DMCA §512(g)(2)(C) restore window for a counter-notice received the
// week of Thanksgiving 2026.
func ExampleSet_Compute_dmca() {
	cals, err := calendar.Builtin()
	if err != nil {
		panic(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	receipt := time.Date(2026, 11, 19, 14, 0, 0, 0, ny)
	opens, err := cals.Compute(receipt, calendar.Period{Value: 10, Unit: calendar.BusinessDays, Calendar: "US_FED_BD"}, calendar.RuleDMCAEarliest)
	if err != nil {
		panic(err)
	}
	closes, err := cals.Compute(receipt, calendar.Period{Value: 14, Unit: calendar.BusinessDays, Calendar: "US_FED_BD"}, calendar.RuleDMCALatest)
	if err != nil {
		panic(err)
	}
	fmt.Println("restore from", opens.At.In(ny), "by", closes.At.In(ny))
	// Output:
	// restore from 2026-12-07 00:00:00 -0500 EST by 2026-12-11 00:00:00 -0500 EST
}
