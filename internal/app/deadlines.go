package app

import (
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/calendar"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/policy"
)

// deadlines adapts the legal calendars to the state machine's Deadlines:
// it chooses the calendar rule for a profile's period and returns the
// absolute instant.
type deadlines struct{ cals *calendar.Set }

var _ notice.Deadlines = deadlines{}

// ruleFor maps the machine's rule names and a period's unit to a calendar rule.
func ruleFor(p policy.Period, rule string) calendar.Rule {
	switch rule {
	case "CC201+CC203", "CC201", "CC203":
		return calendar.RuleCC201CC203
	case notice.RuleWindowOpens:
		return calendar.RuleDMCAEarliest
	case notice.RuleWindowCloses:
		return calendar.RuleDMCALatest
	}
	switch p.Unit {
	case policy.UnitHours:
		return calendar.RuleElapsed
	case policy.UnitMonths:
		return calendar.RuleMonthsPlusDay
	}
	return calendar.RuleEndOfDay
}

func calendarPeriod(p policy.Period) calendar.Period {
	units := map[string]calendar.Unit{policy.UnitCalendarDays: calendar.CalendarDays, policy.UnitWorkingDays: calendar.WorkingDays,
		policy.UnitBusinessDays: calendar.BusinessDays, policy.UnitHours: calendar.Hours, policy.UnitMonths: calendar.Months}
	cal := p.Calendar
	if cal == "" {
		cal = calendar.DefaultCalendar
	}
	return calendar.Period{Value: p.Value, Unit: units[p.Unit], Calendar: cal}
}

// Due implements notice.Deadlines.
func (d deadlines) Due(start time.Time, p policy.Period, rule string) (time.Time, error) {
	dl, err := d.deadline(start, p, rule)
	return dl.At, err
}

func (d deadlines) deadline(start time.Time, p policy.Period, rule string) (calendar.Deadline, error) {
	dl, err := d.cals.Compute(start, calendarPeriod(p), ruleFor(p, rule))
	if err != nil {
		return dl, fmt.Errorf("compute %s from %s: %w", p, start.Format(time.RFC3339), err)
	}
	return dl, nil
}

// calendarVersion is the version of a calendar, recorded with each deadline.
func (d deadlines) calendarVersion(id string) string {
	if id == "" {
		id = calendar.DefaultCalendar
	}
	c, err := d.cals.Calendar(id)
	if err != nil {
		return ""
	}
	return c.Version()
}
