package calendar

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestIsWorkingDay(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		cal  string
		date string
		want bool
	}{
		// CN 2025
		{"CN_WD", "2025-01-01", false},
		{"CN_WD", "2025-01-26", true}, // Sunday, 调休
		{"CN_WD", "2025-01-27", true},
		{"CN_WD", "2025-01-28", false}, // 除夕
		{"CN_WD", "2025-02-04", false},
		{"CN_WD", "2025-02-05", true},
		{"CN_WD", "2025-02-08", true}, // Saturday, 调休
		{"CN_WD", "2025-04-27", true}, // Sunday, 调休
		{"CN_WD", "2025-05-05", false},
		{"CN_WD", "2025-06-02", false},
		{"CN_WD", "2025-09-28", true}, // Sunday, 调休
		{"CN_WD", "2025-10-08", false},
		{"CN_WD", "2025-10-11", true}, // Saturday, 调休
		{"CN_WD", "2025-10-12", false},
		// CN 2026
		{"CN_WD", "2026-01-03", false},
		{"CN_WD", "2026-01-04", true}, // Sunday, 调休
		{"CN_WD", "2026-02-14", true},
		{"CN_WD", "2026-02-15", false},
		{"CN_WD", "2026-02-23", false},
		{"CN_WD", "2026-02-24", true},
		{"CN_WD", "2026-02-28", true},
		{"CN_WD", "2026-04-06", false},
		{"CN_WD", "2026-05-05", false},
		{"CN_WD", "2026-05-09", true},
		{"CN_WD", "2026-06-19", false},
		{"CN_WD", "2026-09-20", true},
		{"CN_WD", "2026-09-25", false},
		{"CN_WD", "2026-10-07", false},
		{"CN_WD", "2026-10-08", true},
		{"CN_WD", "2026-10-10", true},
		{"CN_WD", "2026-10-11", false}, // plain Sunday
		// CN 2027 (provisional)
		{"CN_WD", "2027-02-05", false},
		{"CN_WD", "2027-02-10", false}, // 补假
		{"CN_WD", "2027-02-11", true},
		{"CN_WD", "2027-02-13", false}, // Saturday, no 调休 assumed
		{"CN_WD", "2027-04-05", false},
		{"CN_WD", "2027-05-04", false},
		{"CN_WD", "2027-06-09", false},
		{"CN_WD", "2027-09-15", false},
		{"CN_WD", "2027-10-05", false},
		{"CN_WD", "2027-10-06", true},
		// US
		{"US_FED_BD", "2026-07-03", false}, // Independence Day observed
		{"US_FED_BD", "2026-07-04", false}, // Saturday
		{"US_FED_BD", "2026-07-06", true},
		{"US_FED_BD", "2026-11-26", false},
		{"US_FED_BD", "2026-11-27", true},
		{"US_FED_BD", "2026-12-24", true},
		{"US_FED_BD", "2027-06-18", false}, // Juneteenth observed
		{"US_FED_BD", "2027-07-05", false},
		{"US_FED_BD", "2027-12-24", false}, // Christmas observed
		{"US_FED_BD", "2027-12-31", false}, // New Year 2028 observed
		{"US_FED_BD", "2028-01-03", true},
		{"US_FED_BD", "2025-01-20", false}, // MLK Day (and Inauguration Day)
		// placeholder and CD
		{"EU_WD", "2026-12-25", true},
		{"EU_WD", "2026-12-26", false},
		{"EU_WD", "2031-05-01", true},
		{"CD", "2026-10-03", true},
	}
	for _, tt := range tests {
		t.Run(tt.cal+"/"+tt.date, func(t *testing.T) {
			got, err := s.IsWorkingDay(tt.cal, mustDate(t, tt.date))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("IsWorkingDay(%s, %s) = %v, want %v", tt.cal, tt.date, got, tt.want)
			}
		})
	}
}

func TestIsWorkingDayOutsideCoverage(t *testing.T) {
	s := builtinSet(t)
	for _, tt := range []struct{ cal, date string }{
		{"CN_WD", "2024-12-31"},
		{"CN_WD", "2028-01-03"},
		{"US_FED_BD", "2029-01-22"},
	} {
		t.Run(tt.cal+"/"+tt.date, func(t *testing.T) {
			got, err := s.IsWorkingDay(tt.cal, mustDate(t, tt.date))
			if !errors.Is(err, ErrNotCovered) {
				t.Errorf("IsWorkingDay = %v, %v; want an ErrNotCovered error", got, err)
			}
		})
	}
}

func TestWorkingDayNavigation(t *testing.T) {
	s := builtinSet(t)
	tests := []struct {
		name string
		cal  string
		from string
		n    int
		want string
	}{
		{name: "next after National Day eve", cal: "CN_WD", from: "2026-09-30", n: 1, want: "2026-10-08"},
		{name: "next from a holiday", cal: "CN_WD", from: "2025-01-29", n: 1, want: "2025-02-05"},
		{name: "three after Friday crosses 调休 Saturday", cal: "CN_WD", from: "2026-10-09", n: 3, want: "2026-10-13"},
		{name: "zero returns the day", cal: "CN_WD", from: "2026-10-03", n: 0, want: "2026-10-03"},
		{name: "back one over National Day", cal: "CN_WD", from: "2026-10-08", n: -1, want: "2026-09-30"},
		{name: "back two reaches 调休 Sunday", cal: "CN_WD", from: "2026-09-22", n: -2, want: "2026-09-20"},
		{name: "US next over Thanksgiving", cal: "US_FED_BD", from: "2026-11-25", n: 1, want: "2026-11-27"},
		{name: "US over observed year end 2027", cal: "US_FED_BD", from: "2027-12-30", n: 1, want: "2028-01-03"},
		{name: "CD counts every day", cal: "CD", from: "2026-12-30", n: 3, want: "2027-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := mustDate(t, tt.from)
			got, err := s.AddWorkingDays(tt.cal, from, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("AddWorkingDays(%s, %s, %d) = %s, want %s", tt.cal, tt.from, tt.n, got, tt.want)
			}
			if tt.n == 1 {
				next, err := s.NextWorkingDay(tt.cal, from)
				if err != nil {
					t.Fatal(err)
				}
				if next != got {
					t.Errorf("NextWorkingDay(%s) = %s, want %s", tt.from, next, got)
				}
			}
		})
	}
	if _, err := s.NextWorkingDay("CN_WD", mustDate(t, "2027-12-31")); !errors.Is(err, ErrNotCovered) {
		t.Errorf("NextWorkingDay(2027-12-31) error = %v, want ErrNotCovered", err)
	}
}

func TestUSDataMatchesRules(t *testing.T) {
	c, err := builtinSet(t).Calendar("US_FED_BD")
	if err != nil {
		t.Fatal(err)
	}
	years := c.Info().Years
	if len(years) < 3 || years[0].Year > 2025 || years[len(years)-1].Year < 2027 {
		t.Fatalf("US_FED_BD covers %v, want at least 2025-2027", years)
	}
	for _, y := range years {
		got, err := c.Holidays(y.Year)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(USFederalHolidays(y.Year), got); diff != "" {
			t.Errorf("year %d: data file differs from USFederalHolidays (-rules +file):\n%s", y.Year, diff)
		}
		extra, err := c.ExtraWorkingDays(y.Year)
		if err != nil {
			t.Fatal(err)
		}
		if len(extra) != 0 {
			t.Errorf("year %d: extra working days %v, want none", y.Year, extra)
		}
	}
}

func TestUSFederalHolidaysObserved(t *testing.T) {
	tests := []struct {
		year int
		date string
		name string
	}{
		{2026, "2026-07-03", "Independence Day (observed)"},
		{2027, "2027-12-24", "Christmas Day (observed)"},
		{2027, "2027-12-31", "New Year's Day (observed)"},
		{2027, "2027-06-18", "Juneteenth National Independence Day (observed)"},
		{2027, "2027-07-05", "Independence Day (observed)"},
		{2028, "2028-11-10", "Veterans Day (observed)"},
		{2025, "2025-11-27", "Thanksgiving Day"},
		{2026, "2026-05-25", "Memorial Day"},
		{2026, "2026-01-19", "Birthday of Martin Luther King, Jr."},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			for _, d := range USFederalHolidays(tt.year) {
				if d.Date.String() == tt.date {
					if d.Name != tt.name {
						t.Errorf("name = %q, want %q", d.Name, tt.name)
					}
					return
				}
			}
			t.Errorf("USFederalHolidays(%d) lacks %s", tt.year, tt.date)
		})
	}
	t.Run("eleven per year, none on weekends", func(t *testing.T) {
		for y := 2021; y <= 2040; y++ {
			hs := USFederalHolidays(y)
			// A year loses its New Year to December 31 before it, or gains the next one.
			if len(hs) < 10 || len(hs) > 12 {
				t.Errorf("year %d: %d holidays, want 10 to 12", y, len(hs))
			}
			for _, h := range hs {
				if wd := h.Date.Weekday(); wd == time.Saturday || wd == time.Sunday || h.Date.Year != y {
					t.Errorf("year %d: %s (%s) on %s", y, h.Date, h.Name, wd)
				}
			}
		}
	})
	t.Run("no January 1 when observed the year before", func(t *testing.T) {
		for _, h := range USFederalHolidays(2028) {
			if h.Date.Month == time.January && h.Date.Day <= 2 {
				t.Errorf("2028 lists %s %s, want New Year observed on 2027-12-31", h.Date, h.Name)
			}
		}
	})
}

func TestCNHolidayCounts(t *testing.T) {
	c, err := builtinSet(t).Calendar("CN_WD")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		year              int
		holidays, working int
		provisional       bool
	}{
		{2025, 1 + 8 + 3 + 5 + 3 + 8, 5, false},
		{2026, 3 + 9 + 3 + 5 + 3 + 3 + 7, 6, false},
		{2027, 1 + 4 + 2 + 1 + 2 + 2 + 1 + 1 + 3 + 2, 0, true},
	}
	for _, tt := range tests {
		t.Run(time.Date(tt.year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), func(t *testing.T) {
			hs, err := c.Holidays(tt.year)
			if err != nil {
				t.Fatal(err)
			}
			ws, err := c.ExtraWorkingDays(tt.year)
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != tt.holidays || len(ws) != tt.working {
				t.Errorf("%d holidays and %d working days, want %d and %d", len(hs), len(ws), tt.holidays, tt.working)
			}
			if got := c.Provisional(tt.year); got != tt.provisional {
				t.Errorf("Provisional(%d) = %v, want %v", tt.year, got, tt.provisional)
			}
			for i := 1; i < len(hs); i++ {
				if !hs[i-1].Date.Before(hs[i].Date) {
					t.Errorf("holidays out of order: %s then %s", hs[i-1].Date, hs[i].Date)
				}
			}
		})
	}
	if got, want := c.ProvisionalYears(), []int{2027}; !cmp.Equal(got, want) {
		t.Errorf("ProvisionalYears() = %v, want %v", got, want)
	}
	if _, err := c.Holidays(2028); !errors.Is(err, ErrNotCovered) {
		t.Errorf("Holidays(2028) error = %v, want ErrNotCovered", err)
	}
}

func TestBuiltinInfo(t *testing.T) {
	s := builtinSet(t)
	var ids []string
	for _, c := range s.Calendars() {
		ids = append(ids, c.ID())
	}
	if want := []string{"CD", "CN_WD", "EU_WD", "US_FED_BD"}; !cmp.Equal(ids, want) {
		t.Errorf("Calendars() IDs = %v, want %v", ids, want)
	}
	tests := []struct {
		id        string
		zone      string
		unbounded bool
		years     []int
	}{
		{"CD", "UTC", true, nil},
		{"CN_WD", "Asia/Shanghai", false, []int{2025, 2026, 2027}},
		{"US_FED_BD", "America/New_York", false, []int{2025, 2026, 2027, 2028}},
		{"EU_WD", "Europe/Brussels", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, err := s.Calendar(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			in := c.Info()
			var years []int
			for _, y := range in.Years {
				years = append(years, y.Year)
				if len(y.Sources) == 0 || y.Sources[0].Title == "" || y.Sources[0].URL == "" {
					t.Errorf("year %d: sources %v, want a titled source with a URL", y.Year, y.Sources)
				}
			}
			if in.Zone != tt.zone || c.Location().String() != tt.zone {
				t.Errorf("zone = %s (location %s), want %s", in.Zone, c.Location(), tt.zone)
			}
			if in.Unbounded != tt.unbounded || !cmp.Equal(years, tt.years) {
				t.Errorf("unbounded %v years %v, want %v %v", in.Unbounded, years, tt.unbounded, tt.years)
			}
			if in.Version == "" || in.Version != c.Version() {
				t.Errorf("version %q / %q, want equal and non-empty", in.Version, c.Version())
			}
		})
	}
	cn, err := s.Calendar("CN_WD")
	if err != nil {
		t.Fatal(err)
	}
	src := cn.Info().Years[0].Sources[0]
	if src.Number != "国办发明电〔2024〕12号" || src.Date != "2024-11-12" {
		t.Errorf("CN 2025 source = %+v, want 国办发明电〔2024〕12号 of 2024-11-12", src)
	}
	// Info returns a copy.
	in := cn.Info()
	in.Years[0].Sources[0].Title = "changed"
	if cn.Info().Years[0].Sources[0].Title == "changed" {
		t.Error("Info() shares its slices with the calendar")
	}
}

const testCal = `{
  "format": 1,
  "id": "EU_DE_WD",
  "version": "test.1",
  "name": "test",
  "zone": "Europe/Berlin",
  "weekly_rest_days": ["Saturday", "Sunday"],
  "years": [{
    "year": 2026,
    "sources": [{"title": "t", "number": "", "date": "2025-01-01", "url": "https://example.org"}],
    "holidays": [{"name": "Tag der Arbeit", "from": "2026-05-01"}, {"name": "Weihnachten", "from": "2026-12-25", "to": "2026-12-26"}],
    "working_days": [{"name": "test Saturday", "from": "2026-05-09"}]
  }]
}`

func TestLoad(t *testing.T) {
	c, err := Load(strings.NewReader(testCal))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for date, want := range map[string]bool{"2026-05-01": false, "2026-05-04": true, "2026-05-09": true, "2026-05-10": false, "2026-12-26": false} {
		got, err := c.IsWorkingDay(mustDate(t, date))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", date, got, want)
		}
	}
	if got, want := c.Info().WeeklyRestDays, []time.Weekday{time.Sunday, time.Saturday}; !cmp.Equal(got, want) {
		t.Errorf("WeeklyRestDays = %v, want %v", got, want)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name       string
		old, repl  string
		wantSubstr string
	}{
		{"bad JSON", `"format": 1,`, `"format": 1,,`, "decode"},
		{"unknown field", `"name": "test",`, `"name": "test", "colour": "red",`, "unknown field"},
		{"format", `"format": 1`, `"format": 2`, "format 2"},
		{"id", `"EU_DE_WD"`, `"eu-de"`, "id must match"},
		{"version", `"test.1"`, `" "`, "version"},
		{"zone", `"Europe/Berlin"`, `"Mars/Olympus"`, "zone"},
		{"weekday", `["Saturday", "Sunday"]`, `["Samstag"]`, "weekday"},
		{"weekday twice", `["Saturday", "Sunday"]`, `["Saturday", "saturday"]`, "twice"},
		{"all rest", `["Saturday", "Sunday"]`, `["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"]`, "every weekday"},
		{"unbounded with years", `"weekly_rest_days"`, `"unbounded": true, "weekly_rest_days"`, "unbounded"},
		{"no source", `"sources": [{"title": "t", "number": "", "date": "2025-01-01", "url": "https://example.org"}],`, `"sources": [],`, "source"},
		{"bad date", `"2026-05-01"`, `"2026-05-32"`, "parse date"},
		{"reversed range", `"to": "2026-12-26"`, `"to": "2026-12-24"`, "reversed"},
		{"date in uncovered year", `"from": "2026-05-01"`, `"from": "2062-05-01"`, "uncovered"},
		{"working weekday", `"from": "2026-05-09"`, `"from": "2026-05-08"`, "not a weekly rest day"},
		{"holiday and working", `"from": "2026-05-09"`, `"from": "2026-12-26"`, "both"},
		{"duplicate holiday", `{"name": "Tag der Arbeit", "from": "2026-05-01"}`, `{"name": "a", "from": "2026-05-01"}, {"name": "b", "from": "2026-05-01"}`, "twice"},
		{"duplicate year", `"years": [{`, `"years": [{"year": 2026, "sources": [{"title": "t"}]}, {`, "twice"},
		{"trailing data", `}]
}`, `}]
} {}`, "trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(testCal, tt.old) {
				t.Fatalf("test fixture lacks %q", tt.old)
			}
			src := strings.Replace(testCal, tt.old, tt.repl, 1)
			c, err := Load(strings.NewReader(src))
			if err == nil {
				t.Fatalf("Load = %v, want an error", c.ID())
			}
			if !strings.Contains(err.Error(), tt.wantSubstr) {
				t.Errorf("error %q, want it to mention %q", err, tt.wantSubstr)
			}
		})
	}
	t.Run("bounded without years", func(t *testing.T) {
		src := `{"format":1,"id":"X_WD","version":"1","zone":"UTC","weekly_rest_days":[]}`
		if _, err := Load(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "no years") {
			t.Errorf("Load error = %v, want one about no years", err)
		}
	})
}

func TestLoadFSOverride(t *testing.T) {
	newer := strings.NewReplacer(`"EU_DE_WD"`, `"CN_WD"`, `"test.1"`, `"2099.1"`, `"Europe/Berlin"`, `"Asia/Shanghai"`).Replace(testCal)
	fsys := fstest.MapFS{
		"cn_wd.json":    {Data: []byte(newer)},
		"eu_de_wd.json": {Data: []byte(testCal)},
		"README.txt":    {Data: []byte("not a calendar")},
	}
	loaded, err := LoadFS(fsys)
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	base := builtinSet(t)
	s, err := base.With(loaded.Calendars()...)
	if err != nil {
		t.Fatalf("With: %v", err)
	}
	cn, err := s.Calendar("CN_WD")
	if err != nil {
		t.Fatal(err)
	}
	if cn.Version() != "2099.1" {
		t.Errorf("CN_WD version = %s, want the override 2099.1", cn.Version())
	}
	if _, err := s.Calendar("EU_DE_WD"); err != nil {
		t.Errorf("EU_DE_WD not added: %v", err)
	}
	if _, err := s.Calendar("US_FED_BD"); err != nil {
		t.Errorf("US_FED_BD lost: %v", err)
	}
	orig, err := base.Calendar("CN_WD")
	if err != nil {
		t.Fatal(err)
	}
	if orig.Version() == "2099.1" {
		t.Error("With changed the original set")
	}
	// The override's data now drives deadlines: 2026-10-02 is a plain Friday in it.
	d, err := s.Compute(at(t, "2026-09-17T10:00:00+08:00"), Period{15, CalendarDays, "CN_WD"}, RuleCC201CC203)
	if err != nil {
		t.Fatal(err)
	}
	if d.LocalDate != "2026-10-02" || d.CalendarVersion != "2099.1" {
		t.Errorf("deadline %s version %s, want 2026-10-02 on version 2099.1", d.LocalDate, d.CalendarVersion)
	}

	t.Run("bad file is named", func(t *testing.T) {
		_, err := LoadFS(fstest.MapFS{"broken.json": {Data: []byte("{")}})
		if err == nil || !strings.Contains(err.Error(), "broken.json") {
			t.Errorf("LoadFS error = %v, want one naming broken.json", err)
		}
	})
	t.Run("duplicate IDs", func(t *testing.T) {
		_, err := LoadFS(fstest.MapFS{"a.json": {Data: []byte(testCal)}, "b.json": {Data: []byte(testCal)}})
		if err == nil {
			t.Error("LoadFS accepted two files with one ID")
		}
	})
}
