package policy

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Period
	}{
		{"calendar days", "15 CD", Period{15, UnitCalendarDays, CalendarCD}},
		{"calendar days explicit calendar", "15 CD@CD", Period{15, UnitCalendarDays, CalendarCD}},
		{"cn working days", "20 WD@CN_WD", Period{20, UnitWorkingDays, CalendarCNWD}},
		{"us business days", "10 BD@US_FED_BD", Period{10, UnitBusinessDays, CalendarUSFedBD}},
		{"member state working days", "3 WD@EU_DE_WD", Period{3, UnitWorkingDays, "EU_DE_WD"}},
		{"hours", "24 h", Period{24, UnitHours, CalendarCD}},
		{"months", "6 months", Period{6, UnitMonths, CalendarCD}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			if err != nil {
				t.Fatalf("ParsePeriod(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParsePeriod(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			back, err := ParsePeriod(got.String())
			if err != nil || back != got {
				t.Errorf("round trip of %q via %q = %+v, %v; want %+v", tt.in, got.String(), back, err, got)
			}
		})
	}
}

func TestParsePeriodErrors(t *testing.T) {
	for _, in := range []string{"", "15", "15CD", "0 CD", "-3 CD", "x CD", "15 XD", "20 WD", "20 WD@CD", "10 BD@MARS", "3 WD@EU_XX_WD", "24 h@CN_WD", "6 month"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParsePeriod(in)
			if !errors.Is(err, ErrBadPeriod) {
				t.Errorf("ParsePeriod(%q) error = %v, want ErrBadPeriod", in, err)
			}
		})
	}
}

func TestPeriodJSON(t *testing.T) {
	type doc struct {
		P Period      `json:"p"`
		R PeriodRange `json:"r"`
		S PeriodRange `json:"s"`
	}
	in := `{"p":"20 WD@CN_WD","r":"15 CD","s":{"min":"10 BD@US_FED_BD","max":"14 BD@US_FED_BD"}}`
	var got doc
	if err := json.Unmarshal([]byte(in), &got); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	want := doc{
		P: Period{20, UnitWorkingDays, CalendarCNWD},
		R: PeriodRange{Min: Period{15, UnitCalendarDays, CalendarCD}, Max: Period{15, UnitCalendarDays, CalendarCD}},
		S: PeriodRange{Min: Period{10, UnitBusinessDays, CalendarUSFedBD}, Max: Period{14, UnitBusinessDays, CalendarUSFedBD}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("decoded mismatch (-want +got):\n%s", diff)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if string(out) != in {
		t.Errorf("Marshal = %s, want %s", out, in)
	}
	var empty doc
	if err := json.Unmarshal([]byte(`{"p":null}`), &empty); err != nil || !empty.P.IsZero() {
		t.Errorf("null period = %+v, %v; want zero, nil", empty.P, err)
	}
}
