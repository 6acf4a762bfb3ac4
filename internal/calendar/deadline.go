package calendar

import (
	"errors"
	"fmt"
	"time"
)

// Unit is the unit a Period is counted in.
type Unit string

// Units of a Period. WD and BD are the same thing, a working day of the
// period's calendar; the two names follow the spec (WD for China and the EU,
// BD for the US).
const (
	CalendarDays Unit = "CD"
	WorkingDays  Unit = "WD"
	BusinessDays Unit = "BD"
	Hours        Unit = "hours"
	Months       Unit = "months"
)

func (u Unit) valid() bool {
	switch u {
	case CalendarDays, WorkingDays, BusinessDays, Hours, Months:
		return true
	}
	return false
}

func (u Unit) dayUnit() bool { return u == CalendarDays || u == WorkingDays || u == BusinessDays }

func (u Unit) working() bool { return u == WorkingDays || u == BusinessDays }

// maxCount bounds a period's value and a working-day step, so hostile input
// cannot make a computation loop for long (100,000 days is over 270 years).
const maxCount = 100_000

// DefaultCalendar is the calendar of a Period that names none.
const DefaultCalendar = "CD"

// Period is a length of time on a calendar, such as 15 CD on CN_WD or
// 14 BD on US_FED_BD. Calendar names the calendar whose time zone cuts the
// days and whose rest days apply; empty means DefaultCalendar.
type Period struct {
	Value    int    `json:"value"`
	Unit     Unit   `json:"unit"`
	Calendar string `json:"calendar,omitempty"`
}

// String returns the period as, for example, "15 CD on CN_WD".
func (p Period) String() string {
	return fmt.Sprintf("%d %s on %s", p.Value, p.Unit, p.calendarID())
}

func (p Period) calendarID() string {
	if p.Calendar == "" {
		return DefaultCalendar
	}
	return p.Calendar
}

// Rule says how a Period turns into a deadline. Its value is stored with the
// deadline as the RuleRef.
type Rule string

// Rules. In every day-counted rule, days are dates in the calendar's time
// zone, day 1 is the day after the date of the start instant (the start day
// itself is never counted), and "24:00 of day D" is the first instant of the
// day after D.
const (
	// RuleCC201CC203 is PRC Civil Code arts. 201 and 203 (units CD or WD):
	// the period ends at 24:00 of its last day; if the last day is a rest day
	// of the calendar (a statutory holiday or a weekend rest day, but not a
	// 调休 working day), it ends at 24:00 of the next working day.
	RuleCC201CC203 Rule = "CC201+CC203"

	// RuleEndOfDay (units CD, WD or BD) ends at 24:00 of the last day, with no
	// roll-over: the N-th working day after the start for WD/BD (the 5-WD cure
	// window, the 20-WD tolling cap), the N-th day for CD.
	RuleEndOfDay Rule = "END_OF_DAY"

	// RuleDMCAEarliest is the opening of the 17 U.S.C. §512(g)(2)(C) restore
	// window (units BD or WD): "not less than 10 ... business days following
	// receipt". Business day 1 is the first business day after the date of
	// receipt; the window opens at 00:00 of the first business day after the
	// N-th, when N whole business days have passed under any reading.
	RuleDMCAEarliest Rule = "DMCA512(g)(2)(C):MIN"

	// RuleDMCALatest is the close of the §512(g)(2)(C) restore window ("nor
	// more than 14"): 24:00 of the N-th business day after the date of receipt.
	RuleDMCALatest Rule = "DMCA512(g)(2)(C):MAX"

	// RuleMonthsPlusDay is the DSA Art. 20 complaint window default (unit
	// months): the last day is the date of the start plus N months (the month's
	// last day if it has no such date, as in Regulation 1182/71 Art. 3(2)(c))
	// plus one day; the period ends at 24:00 of that day, or, if it is a rest
	// day, at 24:00 of the next working day (1182/71 Art. 3(4)).
	RuleMonthsPlusDay Rule = "MONTHS+1D:ROLL"

	// RuleElapsed is elapsed time: for unit hours, the start plus exactly N
	// hours (an SLA such as PT24H, unaffected by daylight saving time); for unit
	// CD, the same local clock time N days later in the calendar's zone.
	RuleElapsed Rule = "ELAPSED"
)

// Deadline is a computed deadline: an absolute instant plus what produced it,
// to be stored together (spec §4.2).
type Deadline struct {
	// At is the deadline instant in UTC. A period ending "at 24:00" of a day
	// ends at the first instant of the next day.
	At              time.Time `json:"at"`
	CalendarID      string    `json:"calendar_id"`
	CalendarVersion string    `json:"calendar_version"`
	RuleRef         string    `json:"rule_ref"`
	// LocalDate is the deadline's day in the calendar's zone, YYYY-MM-DD: for
	// an end at 24:00, the day that ends (not the next one); for an opening
	// at 00:00, the day that opens; for elapsed time, the date of At.
	LocalDate string `json:"local_date"`
	// Provisional is set when the computation looked at a day of a
	// provisional calendar year; the deadline should be recomputed when the
	// official schedule is loaded.
	Provisional bool `json:"provisional"`
	// Period is the period that was counted, including any tolled extension.
	Period Period `json:"period"`
	// Tolled is the number of units (of Period.Unit) added by Toll; 0 for a
	// deadline from Compute.
	Tolled int `json:"tolled"`
	// Capped reports that Toll's cap made the deadline earlier than the
	// uncapped extension would have been.
	Capped bool `json:"capped"`
}

// Compute returns the deadline of period p counted from start under rule.
// It fails when the calendar is unknown, the rule does not take p's unit,
// p.Value is not positive, or a day it must classify lies outside the
// calendar's coverage (errors.Is(err, ErrNotCovered)).
func (s *Set) Compute(start time.Time, p Period, rule Rule) (Deadline, error) {
	var w walker
	d, err := s.compute(&w, start, p, rule)
	if err != nil {
		return Deadline{}, fmt.Errorf("compute %s by %s from %s: %w", p, rule, start.UTC().Format(time.RFC3339), err)
	}
	return d, nil
}

func (s *Set) compute(w *walker, start time.Time, p Period, rule Rule) (Deadline, error) {
	if start.IsZero() {
		return Deadline{}, errors.New("start time is zero")
	}
	if !p.Unit.valid() {
		return Deadline{}, fmt.Errorf("unknown unit %q", p.Unit)
	}
	if p.Value <= 0 || p.Value > maxCount {
		return Deadline{}, fmt.Errorf("period value %d is not between 1 and %d", p.Value, maxCount)
	}
	c, err := s.Calendar(p.calendarID())
	if err != nil {
		return Deadline{}, err
	}
	loc := c.Location()
	day := DateOf(start, loc)
	unitErr := fmt.Errorf("rule %s does not take unit %s", rule, p.Unit)

	var at time.Time
	var local Date
	switch rule {
	case RuleCC201CC203:
		switch {
		case p.Unit == CalendarDays:
			local, err = w.onOrAfter(c, day.AddDays(p.Value))
		case p.Unit.working():
			local, err = w.addWorking(c, day, p.Value)
		default:
			return Deadline{}, unitErr
		}
		at = local.End(loc)
	case RuleEndOfDay, RuleDMCALatest:
		switch {
		case p.Unit == CalendarDays && rule == RuleEndOfDay:
			local = day.AddDays(p.Value)
		case p.Unit.working():
			local, err = w.addWorking(c, day, p.Value)
		default:
			return Deadline{}, unitErr
		}
		at = local.End(loc)
	case RuleDMCAEarliest:
		if !p.Unit.working() {
			return Deadline{}, unitErr
		}
		local, err = w.addWorking(c, day, p.Value+1)
		at = local.Start(loc)
	case RuleMonthsPlusDay:
		if p.Unit != Months {
			return Deadline{}, unitErr
		}
		local, err = w.onOrAfter(c, day.AddMonths(p.Value).AddDays(1))
		at = local.End(loc)
	case RuleElapsed:
		switch p.Unit {
		case Hours:
			at = start.Add(time.Duration(p.Value) * time.Hour)
		case CalendarDays:
			t := start.In(loc)
			at = time.Date(t.Year(), t.Month(), t.Day()+p.Value, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
		default:
			return Deadline{}, unitErr
		}
		local = DateOf(at, loc)
	default:
		return Deadline{}, fmt.Errorf("unknown rule %q", rule)
	}
	if err != nil {
		return Deadline{}, err
	}
	return Deadline{
		At:              at.UTC(),
		CalendarID:      c.ID(),
		CalendarVersion: c.Version(),
		RuleRef:         string(rule),
		LocalDate:       local.String(),
		Provisional:     w.provisional,
		Period:          Period{Value: p.Value, Unit: p.Unit, Calendar: c.ID()},
	}, nil
}
