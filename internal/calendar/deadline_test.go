package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestComputeCC201CC203(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name        string
		start       string
		days        int
		wantAt      string
		wantLocal   string
		provisional bool
	}{
		{name: "spec example: day 15 in National Day block 2026 rolls to 10-08", start: "2026-09-17T10:00:00+08:00", days: 15, wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08"},
		{name: "spec example: day 15 is Sunday 09-20, a 调休 working day", start: "2026-09-05T10:00:00+08:00", days: 15, wantAt: "2026-09-20T16:00:00Z", wantLocal: "2026-09-20"},
		{name: "arrival just after local midnight counts the Shanghai date", start: "2026-09-04T16:30:00Z", days: 15, wantAt: "2026-09-20T16:00:00Z", wantLocal: "2026-09-20"},
		{name: "arrival late evening UTC is next day in Shanghai", start: "2026-09-16T17:00:00Z", days: 15, wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08"},
		{name: "last day on plain Saturday rolls to Monday", start: "2026-03-13T09:00:00+08:00", days: 15, wantAt: "2026-03-30T16:00:00Z", wantLocal: "2026-03-30"},
		{name: "last day a working day stays", start: "2026-03-10T09:00:00+08:00", days: 15, wantAt: "2026-03-25T16:00:00Z", wantLocal: "2026-03-25"},
		{name: "Spring Festival 2025 block rolls to 02-05", start: "2025-01-14T09:00:00+08:00", days: 15, wantAt: "2025-02-05T16:00:00Z", wantLocal: "2025-02-05"},
		{name: "Spring Festival 2025 调休 Saturday 02-08 is working", start: "2025-01-24T09:00:00+08:00", days: 15, wantAt: "2025-02-08T16:00:00Z", wantLocal: "2025-02-08"},
		{name: "Spring Festival 2026 block rolls to 02-24", start: "2026-02-01T09:00:00+08:00", days: 15, wantAt: "2026-02-24T16:00:00Z", wantLocal: "2026-02-24"},
		{name: "调休 Saturday 2026-02-28 is working", start: "2026-02-13T09:00:00+08:00", days: 15, wantAt: "2026-02-28T16:00:00Z", wantLocal: "2026-02-28"},
		{name: "Spring Festival 2027 provisional, rolls over 补假 to 02-11", start: "2027-01-22T09:00:00+08:00", days: 15, wantAt: "2027-02-11T16:00:00Z", wantLocal: "2027-02-11", provisional: true},
		{name: "Labour Day 2025 rolls to 05-06", start: "2025-04-16T09:00:00+08:00", days: 15, wantAt: "2025-05-06T16:00:00Z", wantLocal: "2025-05-06"},
		{name: "Labour Day 2025 调休 Sunday 04-27 is working", start: "2025-04-12T09:00:00+08:00", days: 15, wantAt: "2025-04-27T16:00:00Z", wantLocal: "2025-04-27"},
		{name: "Labour Day 2026 rolls to 05-06", start: "2026-04-19T09:00:00+08:00", days: 15, wantAt: "2026-05-06T16:00:00Z", wantLocal: "2026-05-06"},
		{name: "National Day 2025 eight-day block rolls to 10-09", start: "2025-09-20T09:00:00+08:00", days: 15, wantAt: "2025-10-09T16:00:00Z", wantLocal: "2025-10-09"},
		{name: "year boundary: New Year 2026 rolls to 调休 Sunday 01-04", start: "2025-12-17T09:00:00+08:00", days: 15, wantAt: "2026-01-04T16:00:00Z", wantLocal: "2026-01-04"},
		{name: "year boundary into provisional 2027", start: "2026-12-17T09:00:00+08:00", days: 15, wantAt: "2027-01-04T16:00:00Z", wantLocal: "2027-01-04", provisional: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Compute(at(t, tt.start), Period{Value: tt.days, Unit: CalendarDays, Calendar: "CN_WD"}, RuleCC201CC203)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got, want := d.At, at(t, tt.wantAt); !got.Equal(want) || got.Location().String() != "UTC" {
				t.Errorf("At = %v, want %v (UTC)", got, want)
			}
			if d.LocalDate != tt.wantLocal {
				t.Errorf("LocalDate = %s, want %s", d.LocalDate, tt.wantLocal)
			}
			if d.Provisional != tt.provisional {
				t.Errorf("Provisional = %v, want %v", d.Provisional, tt.provisional)
			}
			if d.CalendarID != "CN_WD" || d.RuleRef != "CC201+CC203" || d.CalendarVersion == "" {
				t.Errorf("provenance = %q %q %q, want CN_WD, CC201+CC203 and a version", d.CalendarID, d.RuleRef, d.CalendarVersion)
			}
		})
	}
}

func TestComputeCoverage(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name  string
		start string
		p     Period
		rule  Rule
	}{
		{name: "CN last day in uncovered 2028", start: "2027-12-20T09:00:00+08:00", p: Period{15, CalendarDays, "CN_WD"}, rule: RuleCC201CC203},
		{name: "CN last day in uncovered 2024", start: "2024-12-01T09:00:00+08:00", p: Period{15, CalendarDays, "CN_WD"}, rule: RuleCC201CC203},
		{name: "CN working days run out of coverage", start: "2027-12-10T09:00:00+08:00", p: Period{20, WorkingDays, "CN_WD"}, rule: RuleEndOfDay},
		{name: "US business days run out of coverage", start: "2028-12-20T09:00:00-05:00", p: Period{10, BusinessDays, "US_FED_BD"}, rule: RuleDMCAEarliest},
		{name: "US start before coverage", start: "2024-12-20T09:00:00-05:00", p: Period{10, BusinessDays, "US_FED_BD"}, rule: RuleDMCALatest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Compute(at(t, tt.start), tt.p, tt.rule)
			if !errors.Is(err, ErrNotCovered) {
				t.Fatalf("Compute = %v, %v; want an error matching ErrNotCovered", d, err)
			}
			var ce *CoverageError
			if !errors.As(err, &ce) || ce.CalendarID != tt.p.Calendar {
				t.Errorf("error %v: want a *CoverageError for %s", err, tt.p.Calendar)
			}
		})
	}
}

func TestComputeWorkingDaysCN(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name      string
		start     string
		p         Period
		wantAt    string
		wantLocal string
	}{
		{name: "5 WD cure window over National Day 2026 and 调休 10-10", start: "2026-09-30T15:00:00+08:00", p: Period{5, WorkingDays, "CN_WD"}, wantAt: "2026-10-13T16:00:00Z", wantLocal: "2026-10-13"},
		{name: "20 WD cap from 2026-09-17", start: "2026-09-17T10:00:00+08:00", p: Period{20, WorkingDays, "CN_WD"}, wantAt: "2026-10-21T16:00:00Z", wantLocal: "2026-10-21"},
		{name: "5 WD over Spring Festival 2025 counts 调休 01-26", start: "2025-01-23T10:00:00+08:00", p: Period{5, WorkingDays, "CN_WD"}, wantAt: "2025-02-06T16:00:00Z", wantLocal: "2025-02-06"},
		{name: "3 WD over Spring Festival 2026", start: "2026-02-12T10:00:00+08:00", p: Period{3, WorkingDays, "CN_WD"}, wantAt: "2026-02-24T16:00:00Z", wantLocal: "2026-02-24"},
		{name: "5 CD end of day ignores holidays", start: "2026-09-30T15:00:00+08:00", p: Period{5, CalendarDays, "CN_WD"}, wantAt: "2026-10-05T16:00:00Z", wantLocal: "2026-10-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Compute(at(t, tt.start), tt.p, RuleEndOfDay)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got, want := d.At, at(t, tt.wantAt); !got.Equal(want) {
				t.Errorf("At = %v, want %v", got, want)
			}
			if d.LocalDate != tt.wantLocal {
				t.Errorf("LocalDate = %s, want %s", d.LocalDate, tt.wantLocal)
			}
		})
	}
}

func TestComputeDMCA(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name                 string
		receipt              string
		earliest, latest     string
		earliestDay, lastDay string
	}{
		{
			name: "across Thanksgiving 2026", receipt: "2026-11-19T14:00:00-05:00",
			earliest: "2026-12-07T05:00:00Z", earliestDay: "2026-12-07",
			latest: "2026-12-11T05:00:00Z", lastDay: "2026-12-10",
		},
		{
			name: "receipt late evening New York is still that date", receipt: "2026-11-20T04:30:00Z",
			earliest: "2026-12-07T05:00:00Z", earliestDay: "2026-12-07",
			latest: "2026-12-11T05:00:00Z", lastDay: "2026-12-10",
		},
		{
			name: "across Christmas 2026 and New Year 2027", receipt: "2026-12-18T10:00:00-05:00",
			earliest: "2027-01-06T05:00:00Z", earliestDay: "2027-01-06",
			latest: "2027-01-12T05:00:00Z", lastDay: "2027-01-11",
		},
		{
			name: "observed Christmas 12-24 and New Year 12-31 2027", receipt: "2027-12-20T10:00:00-05:00",
			earliest: "2028-01-06T05:00:00Z", earliestDay: "2028-01-06",
			latest: "2028-01-12T05:00:00Z", lastDay: "2028-01-11",
		},
		{
			name: "receipt on Saturday: day 1 is Monday", receipt: "2026-03-07T12:00:00-05:00",
			earliest: "2026-03-23T04:00:00Z", earliestDay: "2026-03-23",
			latest: "2026-03-27T04:00:00Z", lastDay: "2026-03-26",
		},
		{
			name: "DST starts 2027-03-14 inside the window", receipt: "2027-03-05T16:00:00-05:00",
			earliest: "2027-03-22T04:00:00Z", earliestDay: "2027-03-22",
			latest: "2027-03-26T04:00:00Z", lastDay: "2027-03-25",
		},
		{
			name: "DST ends 2026-11-01, Veterans Day 11-11", receipt: "2026-10-23T16:00:00-04:00",
			earliest: "2026-11-09T05:00:00Z", earliestDay: "2026-11-09",
			latest: "2026-11-14T05:00:00Z", lastDay: "2026-11-13",
		},
		{
			name: "Independence Day observed Friday 2026-07-03", receipt: "2026-06-26T10:00:00-04:00",
			earliest: "2026-07-14T04:00:00Z", earliestDay: "2026-07-14",
			latest: "2026-07-18T04:00:00Z", lastDay: "2026-07-17",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opens, err := s.Compute(at(t, tt.receipt), Period{10, BusinessDays, "US_FED_BD"}, RuleDMCAEarliest)
			if err != nil {
				t.Fatalf("Compute earliest: %v", err)
			}
			closes, err := s.Compute(at(t, tt.receipt), Period{14, BusinessDays, "US_FED_BD"}, RuleDMCALatest)
			if err != nil {
				t.Fatalf("Compute latest: %v", err)
			}
			if got, want := opens.At, at(t, tt.earliest); !got.Equal(want) {
				t.Errorf("earliest At = %v, want %v", got, want)
			}
			if opens.LocalDate != tt.earliestDay {
				t.Errorf("earliest LocalDate = %s, want %s", opens.LocalDate, tt.earliestDay)
			}
			if got, want := closes.At, at(t, tt.latest); !got.Equal(want) {
				t.Errorf("latest At = %v, want %v", got, want)
			}
			if closes.LocalDate != tt.lastDay {
				t.Errorf("latest LocalDate = %s, want %s", closes.LocalDate, tt.lastDay)
			}
			if !opens.At.Before(closes.At) {
				t.Errorf("window opens %v, not before it closes %v", opens.At, closes.At)
			}
		})
	}
}

func TestComputeMonthsPlusDay(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name      string
		start     string
		wantAt    string
		wantLocal string
	}{
		{name: "plain weekday", start: "2026-01-15T10:00:00+01:00", wantAt: "2026-07-16T22:00:00Z", wantLocal: "2026-07-16"},
		{name: "last day Saturday rolls to Monday", start: "2026-01-17T10:00:00+01:00", wantAt: "2026-07-20T22:00:00Z", wantLocal: "2026-07-20"},
		{name: "no 30 February: month end then plus one day", start: "2026-08-30T10:00:00+02:00", wantAt: "2027-03-01T23:00:00Z", wantLocal: "2027-03-01"},
		{name: "informed at 23:30 UTC counts the Brussels date", start: "2026-01-14T23:30:00Z", wantAt: "2026-07-16T22:00:00Z", wantLocal: "2026-07-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Compute(at(t, tt.start), Period{6, Months, "EU_WD"}, RuleMonthsPlusDay)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got, want := d.At, at(t, tt.wantAt); !got.Equal(want) {
				t.Errorf("At = %v, want %v", got, want)
			}
			if d.LocalDate != tt.wantLocal {
				t.Errorf("LocalDate = %s, want %s", d.LocalDate, tt.wantLocal)
			}
		})
	}
}

func TestComputeElapsed(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name   string
		start  string
		p      Period
		wantAt string
	}{
		{name: "PT24H is 24 real hours across DST start", start: "2026-03-07T12:00:00-05:00", p: Period{24, Hours, "US_FED_BD"}, wantAt: "2026-03-08T17:00:00Z"},
		{name: "1 CD keeps the New York wall clock across DST start", start: "2026-03-07T12:00:00-05:00", p: Period{1, CalendarDays, "US_FED_BD"}, wantAt: "2026-03-08T16:00:00Z"},
		{name: "PT24H on the default calendar", start: "2026-10-01T08:00:00Z", p: Period{Value: 24, Unit: Hours}, wantAt: "2026-10-02T08:00:00Z"},
		{name: "PT12H ignores Chinese holidays", start: "2026-10-01T08:00:00+08:00", p: Period{12, Hours, "CN_WD"}, wantAt: "2026-10-01T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Compute(at(t, tt.start), tt.p, RuleElapsed)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got, want := d.At, at(t, tt.wantAt); !got.Equal(want) {
				t.Errorf("At = %v, want %v", got, want)
			}
		})
	}
}

func TestComputeErrors(t *testing.T) {
	s := builtinSet(t)
	start := at(t, "2026-05-01T00:00:00Z")
	tests := []struct {
		name string
		p    Period
		rule Rule
		is   error
	}{
		{name: "unknown calendar", p: Period{1, CalendarDays, "XX_WD"}, rule: RuleEndOfDay, is: ErrUnknownCalendar},
		{name: "zero value", p: Period{0, CalendarDays, "CN_WD"}, rule: RuleEndOfDay},
		{name: "negative value", p: Period{-3, WorkingDays, "CN_WD"}, rule: RuleEndOfDay},
		{name: "unknown unit", p: Period{3, "weeks", "CN_WD"}, rule: RuleEndOfDay},
		{name: "unknown rule", p: Period{3, CalendarDays, "CN_WD"}, rule: "CC999"},
		{name: "months under CC rule", p: Period{3, Months, "CN_WD"}, rule: RuleCC201CC203},
		{name: "hours under end of day", p: Period{3, Hours, "CN_WD"}, rule: RuleEndOfDay},
		{name: "calendar days under DMCA", p: Period{10, CalendarDays, "US_FED_BD"}, rule: RuleDMCAEarliest},
		{name: "calendar days under DMCA max", p: Period{14, CalendarDays, "US_FED_BD"}, rule: RuleDMCALatest},
		{name: "days under months rule", p: Period{6, CalendarDays, "EU_WD"}, rule: RuleMonthsPlusDay},
		{name: "value too large", p: Period{1_000_000, WorkingDays, "EU_WD"}, rule: RuleEndOfDay},
		{name: "working days elapsed", p: Period{6, WorkingDays, "EU_WD"}, rule: RuleElapsed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Compute(start, tt.p, tt.rule)
			if err == nil {
				t.Fatalf("Compute = %+v, want an error", d)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want one matching %v", err, tt.is)
			}
		})
	}
	if d, err := s.Compute(time.Time{}, Period{1, CalendarDays, "CD"}, RuleEndOfDay); err == nil {
		t.Errorf("Compute(zero time) = %+v, want an error", d)
	}
}
