package sor

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/policy"
)

func TestDecisionField(t *testing.T) {
	tests := []struct {
		measure, wantField, wantKey string
	}{
		{"delist", "decision_visibility", VisibilityRemoved},
		{"block", "decision_visibility", VisibilityDisabled},
		{"geo_block", "decision_visibility", VisibilityDisabled},
		{"disconnect_link", "decision_visibility", VisibilityDisabled},
		{"demote", "decision_visibility", VisibilityDemoted},
		{"payout_hold", "decision_monetary", MonetarySuspension},
		{"terminate_transactions", "decision_provision", ProvisionPartialTermination},
		{"suspend_account", "decision_account", AccountSuspended},
		{"terminate_account", "decision_account", AccountTerminated},
	}
	enumOf := map[string]string{
		"decision_visibility": EnumDecisionVisibilities, "decision_monetary": EnumDecisionMonetaries,
		"decision_provision": EnumDecisionProvisions, "decision_account": EnumDecisionAccounts,
	}
	for _, tt := range tests {
		t.Run(tt.measure, func(t *testing.T) {
			field, key, err := DecisionField(tt.measure)
			if err != nil || field != tt.wantField || key != tt.wantKey {
				t.Errorf("got %s, %s, %v, want %s, %s", field, key, err, tt.wantField, tt.wantKey)
			}
			if !IsKey(enumOf[field], key) {
				t.Errorf("policy.MeasureSpec(%s) gives %s, not a key of %s", tt.measure, key, enumOf[field])
			}
		})
	}
	if _, _, err := DecisionField("warn"); !errors.Is(err, ErrUnknownMeasure) {
		t.Errorf("got %v for warn (not a restriction), want ErrUnknownMeasure", err)
	}
}

func TestAddMeasure(t *testing.T) {
	d1, d2 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	type m struct {
		name string
		end  time.Time
	}
	tests := []struct {
		name     string
		measures []m
		want     Statement
		wantErr  error
	}{
		{"delist", []m{{"delist", time.Time{}}}, Statement{Visibility: []string{VisibilityRemoved}}, nil},
		{"delist and geo_block", []m{{"delist", d1}, {"geo_block", d2}},
			Statement{Visibility: []string{VisibilityRemoved, VisibilityDisabled}, VisibilityEnd: d2}, nil},
		{"block twice", []m{{"block", d2}, {"geo_block", d1}},
			Statement{Visibility: []string{VisibilityDisabled}, VisibilityEnd: d2}, nil},
		{"indefinite wins", []m{{"block", d1}, {"disconnect_link", time.Time{}}},
			Statement{Visibility: []string{VisibilityDisabled}}, nil},
		{"suspend account for a period", []m{{"suspend_account", d1}}, Statement{Account: AccountSuspended, AccountEnd: d1}, nil},
		{"payout hold and delist", []m{{"payout_hold", d2}, {"delist", time.Time{}}},
			Statement{Visibility: []string{VisibilityRemoved}, Monetary: MonetarySuspension, MonetaryEnd: d2}, nil},
		{"terminate transactions", []m{{"terminate_transactions", time.Time{}}}, Statement{Provision: ProvisionPartialTermination}, nil},
		{"suspend and terminate account", []m{{"suspend_account", d1}, {"terminate_account", time.Time{}}},
			Statement{Account: AccountSuspended, AccountEnd: d1}, ErrConflictingTypes},
		{"unknown measure", []m{{"shadow_ban", time.Time{}}}, Statement{}, ErrUnknownMeasure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Statement
			var err error
			for _, m := range tt.measures {
				if err = s.AddMeasure(m.name, m.end); err != nil {
					break
				}
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, s); diff != "" {
				t.Errorf("statement (-want +got):\n%s", diff)
			}
		})
	}
	// Every measure a policy profile allows maps to a restriction.
	profiles, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range profiles.IDs() {
		p, err := profiles.Profile(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range p.Decision.AllowedMeasures {
			var s Statement
			if err := s.AddMeasure(name, time.Time{}); err != nil {
				t.Errorf("profile %s allows %s: %v", p.ID, name, err)
			}
		}
	}
}

func TestEEAScope(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nothing", nil, nil},
		{"China and the US only", []string{"CN", "US"}, nil},
		{"mixed, repeated, unsorted", []string{"US", "DE", "fr", "DE", " at "}, []string{"AT", "DE", "FR"}},
		{"Greece as EL", []string{"EL"}, []string{"GR"}},
		{"Switzerland and the UK are out", []string{"CH", "GB", "NO"}, []string{"NO"}},
		{"wildcard", []string{"*", "CN"}, EEACodes()},
		{"EEA", []string{"EEA"}, EEACodes()},
		{"EU", []string{"EU", "NO"}, []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
			"FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, EEAScope(tt.in)); diff != "" {
				t.Errorf("EEAScope(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestPUID(t *testing.T) {
	tests := []struct {
		name         string
		caseID, item string
		seq          int
		want         string
	}{
		{"spec example", "C2025000123", "L998877", 1, "C2025000123-L998877-1"},
		{"hyphen in an id is escaped", "C-1", "L1", 2, "C_2d1-L1-2"},
		{"underscore in an id is escaped", "C_1", "L1", 2, "C_5f1-L1-2"},
		{"URL as item", "C1", "https://m.example/i/9", 1, "C1-https_3a_2f_2fm_2eexample_2fi_2f9-1"},
		{"non-ASCII", "案1", "L1", 1, "_e6_a1_881-L1-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PUID(tt.caseID, tt.item, tt.seq)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
			if !validPUID(got) {
				t.Errorf("got %q, which the database rejects", got)
			}
		})
	}
	// Different inputs never give the same puid.
	seen := map[string][3]any{}
	for _, c := range []string{"C1", "C-1", "C_1", "C_2d1", "C", "C1-L"} {
		for _, l := range []string{"L", "L1", "1-L", "-L", "L-1"} {
			for _, seq := range []int{1, 11} {
				p, err := PUID(c, l, seq)
				if err != nil {
					t.Fatal(err)
				}
				if prev, dup := seen[p]; dup {
					t.Errorf("PUID(%q, %q, %d) = %q, same as %v", c, l, seq, p, prev)
				}
				seen[p] = [3]any{c, l, seq}
			}
		}
	}
	for _, tt := range []struct {
		name         string
		caseID, item string
		seq          int
	}{
		{"no case", "", "L1", 1},
		{"no item", "C1", "", 1},
		{"seq 0", "C1", "L1", 0},
		{"too long", strings.Repeat("C", 300), strings.Repeat("L", 200), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := PUID(tt.caseID, tt.item, tt.seq); err == nil {
				t.Errorf("got %q, want an error", got)
			}
		})
	}
}
