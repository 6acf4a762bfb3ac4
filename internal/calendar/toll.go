package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Interval is a span of time [From, To) during which a clock is tolled, for
// example while a notarization (公证) was pending.
type Interval struct {
	From time.Time
	To   time.Time
}

// CapMode selects how the tolling cap of spec §1.6 is read.
type CapMode string

// Cap modes (configuration key tolling.cap_mode).
const (
	// CapTotalPeriod (default): the whole period, tolling included, ends no
	// later than the cap counted from the start, and never earlier than the
	// untolled deadline: min(base + tolled, start + cap), at least base.
	CapTotalPeriod CapMode = "total_period"
	// CapExcludedDelay: the excluded delay itself is capped:
	// base + min(tolled, cap).
	CapExcludedDelay CapMode = "excluded_delay"
)

// maxTolledDays bounds the days an interval may span, against bad input.
const maxTolledDays = 3660

// Toll extends base, the deadline Compute returned for start, by the tolled
// intervals, subject to limit (for China: 20 WD on CN_WD) read as mode says.
//
// How tolled time extends a deadline: in base's calendar zone, every date
// after the start date that an interval overlaps for any positive length is
// one tolled day; overlapping intervals count each date once, and dates on
// or before the start date are ignored. For a CD period every tolled date
// counts; for a WD or BD period only the tolled working days count. The
// period is lengthened by that count and recomputed from start under the
// same rule, so CC 203's roll-over applies to the new last day (and not
// twice). Only CD, WD and BD periods can be tolled; limit must be in CD, WD
// or BD too and, without a calendar, uses base's.
//
// With CapTotalPeriod the result is the earlier of the extended deadline and
// 24:00 of the last day of limit counted from start (RuleEndOfDay), but never
// earlier than base. With CapExcludedDelay the tolled dates are taken in
// order until they contain limit (for 20 WD: until the 20th tolled working
// day), and only those extend the period.
//
// Pass the untolled deadline and all intervals each time; Toll refuses a
// base that was already tolled or that Compute would not produce for start
// with the current calendars.
func (s *Set) Toll(start time.Time, base Deadline, tolled []Interval, limit Period, mode CapMode) (Deadline, error) {
	d, err := s.toll(start, base, tolled, limit, mode)
	if err != nil {
		return Deadline{}, fmt.Errorf("toll %s deadline %s: %w", base.RuleRef, base.At.Format(time.RFC3339), err)
	}
	return d, nil
}

func (s *Set) toll(start time.Time, base Deadline, tolled []Interval, limit Period, mode CapMode) (Deadline, error) {
	if base.Tolled != 0 || base.Capped {
		return Deadline{}, errors.New("base deadline is already tolled")
	}
	if mode != CapTotalPeriod && mode != CapExcludedDelay {
		return Deadline{}, fmt.Errorf("unknown cap mode %q", mode)
	}
	if !base.Period.Unit.dayUnit() {
		return Deadline{}, fmt.Errorf("cannot toll a period in %s", base.Period.Unit)
	}
	if !limit.Unit.dayUnit() || limit.Value <= 0 {
		return Deadline{}, fmt.Errorf("cap %s must be a positive number of CD, WD or BD", limit)
	}
	if limit.Calendar == "" {
		limit.Calendar = base.CalendarID
	}
	rule := Rule(base.RuleRef)
	var w walker
	check, err := s.compute(&w, start, base.Period, rule)
	if err != nil {
		return Deadline{}, fmt.Errorf("recompute base: %w", err)
	}
	if !check.At.Equal(base.At) {
		return Deadline{}, fmt.Errorf("base deadline does not match %s recomputed from start with calendar %s version %s",
			check.At.Format(time.RFC3339), check.CalendarID, check.CalendarVersion)
	}
	baseCal, err := s.Calendar(base.CalendarID)
	if err != nil {
		return Deadline{}, err
	}
	limitCal, err := s.Calendar(limit.Calendar)
	if err != nil {
		return Deadline{}, err
	}
	dates, err := tolledDates(baseCal.Location(), DateOf(start, baseCal.Location()), tolled)
	if err != nil {
		return Deadline{}, err
	}

	// counts reports whether a tolled date counts in unit u of calendar c.
	counts := func(c *Calendar, u Unit, d Date) (bool, error) {
		if !u.working() {
			return true, nil
		}
		return w.isWorking(c, d)
	}
	var all, capped int // tolled units of base's period: all, and within the cap
	var capUsed int
	for _, d := range dates {
		inBase, err := counts(baseCal, base.Period.Unit, d)
		if err != nil {
			return Deadline{}, err
		}
		if inBase {
			all++
		}
		if capUsed < limit.Value {
			if inBase {
				capped++
			}
			inCap, err := counts(limitCal, limit.Unit, d)
			if err != nil {
				return Deadline{}, err
			}
			if inCap {
				capUsed++
			}
		}
	}

	extend := func(n int) (Deadline, error) {
		p := base.Period
		p.Value += n
		d, err := s.compute(&w, start, p, rule)
		if err != nil {
			return Deadline{}, err
		}
		d.Tolled = n
		return d, nil
	}
	var out Deadline
	switch mode {
	case CapTotalPeriod:
		ext, err := extend(all)
		if err != nil {
			return Deadline{}, err
		}
		out = ext
		if all > 0 {
			capD, err := s.compute(&w, start, limit, RuleEndOfDay)
			if err != nil {
				return Deadline{}, fmt.Errorf("cap: %w", err)
			}
			if capD.At.Before(ext.At) {
				out = capD
				out.Period = ext.Period
				out.Tolled = all
				out.Capped = true
				if capD.At.Before(base.At) {
					out = base
					out.Tolled = all
					out.Period = ext.Period
					out.Capped = true
				}
			}
		}
	case CapExcludedDelay:
		ext, err := extend(capped)
		if err != nil {
			return Deadline{}, err
		}
		out = ext
		out.Capped = capped < all
	}
	out.RuleRef = fmt.Sprintf("%s+TOLL(%s;cap=%d %s on %s)", base.RuleRef, mode, limit.Value, limit.Unit, limit.Calendar)
	out.Provisional = w.provisional
	return out, nil
}

// tolledDates returns, in order, the distinct dates after startDay that the
// intervals overlap in loc.
func tolledDates(loc *time.Location, startDay Date, tolled []Interval) ([]Date, error) {
	seen := make(map[Date]bool)
	first := startDay.AddDays(1)
	for _, iv := range tolled {
		if !iv.To.After(iv.From) {
			return nil, fmt.Errorf("tolled interval %s..%s is empty or reversed",
				iv.From.Format(time.RFC3339), iv.To.Format(time.RFC3339))
		}
		from := iv.From
		if lo := first.Start(loc); from.Before(lo) {
			from = lo
		}
		if !iv.To.After(from) {
			continue
		}
		d := DateOf(from, loc)
		if d.DaysUntil(DateOf(iv.To, loc)) > maxTolledDays {
			return nil, fmt.Errorf("tolled interval longer than %d days", maxTolledDays)
		}
		for ; d.Start(loc).Before(iv.To); d = d.AddDays(1) {
			seen[d] = true
		}
	}
	out := make([]Date, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	slices.SortFunc(out, Date.Compare)
	return out, nil
}
