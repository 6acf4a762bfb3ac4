package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	set := mustDefault(t)
	all := ResolveConfig{PlatformRoles: []string{"marketplace", "online_platform"}}
	tests := []struct {
		name    string
		cfg     ResolveConfig
		markets []string
		rights  []string
		kind    string
		want    map[string][]string
	}{
		{
			name: "CN+DE+US counterfeit with the right valid in all three",
			cfg:  all, markets: []string{"CN", "DE", "US"}, rights: []string{"CN", "DE", "US"}, kind: "counterfeit",
			want: map[string][]string{"cn-ecl": {"CN"}, "eu-dsa": {"DE"}, "us-tm-marketplace": {"US"}},
		},
		{
			name: "copyright in the US goes to the DMCA profile",
			cfg:  all, markets: []string{"US"}, rights: []string{"*"}, kind: "copyright",
			want: map[string][]string{"us-dmca-512": {"US"}},
		},
		{
			name: "a CN trademark does not support an EU measure",
			cfg:  all, markets: []string{"CN", "FR"}, rights: []string{"CN"}, kind: "trademark",
			want: map[string][]string{"cn-ecl": {"CN"}},
		},
		{
			name: "an EU trade mark covers every member state offered",
			cfg:  all, markets: []string{"fr", "IT", "NO", "US"}, rights: []string{"EU"}, kind: "trademark",
			want: map[string][]string{"eu-dsa": {"FR", "IT"}},
		},
		{
			name:    "disabled profiles are skipped",
			cfg:     ResolveConfig{EnabledProfiles: []string{"eu-dsa"}, PlatformRoles: []string{"marketplace"}},
			markets: []string{"CN", "DE"}, rights: []string{"CN", "DE"}, kind: "counterfeit",
			want: map[string][]string{"eu-dsa": {"DE"}},
		},
		{
			name:    "a hosting service is not under the marketplace-only profiles",
			cfg:     ResolveConfig{PlatformRoles: []string{"hosting"}},
			markets: []string{"CN", "DE", "US"}, rights: []string{"*"}, kind: "counterfeit",
			want: map[string][]string{"eu-dsa": {"DE"}},
		},
		{
			name: "unknown infringement type resolves nothing",
			cfg:  all, markets: []string{"CN"}, rights: []string{"CN"}, kind: "bad_vibes",
			want: map[string][]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string][]string{}
			for _, a := range set.Resolve(tt.cfg, tt.markets, tt.rights, tt.kind) {
				got[a.Profile.ID] = a.Territories
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func mustDefault(t *testing.T) *Set {
	t.Helper()
	set, err := Default()
	if err != nil {
		t.Fatalf("Default(): %v", err)
	}
	return set
}
