package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/demo/demotest"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// TestProtectionProfile: the profile is the imported brand data plus a
// brand for each verified mark no imported brand names; a bad import is
// refused with every error's JSON path and changes nothing; only
// detection staff read or import it.
func TestProtectionProfile(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			env := demotest.Open(t, e)
			a, platform, sys := env.App, env.Platform, env.Sys
			inv := auth.Principal{UserID: "usr_inv", OrgID: platform.ID, OrgKind: platform.Kind, OrgState: platform.State, Role: auth.RoleInvestigator}

			// From the registry alone: one brand per distinct mark, in both scripts.
			prof, err := a.ProtectionProfile(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string][]string{}
			for _, b := range prof.Brands {
				byID[b.ID] = b.Names
			}
			if names := byID["aurora"]; !slices.Contains(names, "AURORA") || !slices.Contains(names, "极光") {
				t.Errorf("aurora from the registry: %v (all: %v)", names, byID)
			}
			if len(prof.Brands) != 3 {
				t.Errorf("registry brands: %v, want aurora, lotus and nimbus once each", byID)
			}

			// A bad import names every problem and changes nothing.
			before := auditCount(t, a, sys)
			_, err = a.ImportProtectionProfile(ctx, inv, []byte(`{"version":1,"brands":[{"id":"x","names":[]},{"id":"y","names":["Y"],"colour":"red"}]}`))
			var inv2 *fault.Invalid
			if !errors.As(err, &inv2) || !strings.Contains(err.Error(), "brands[0].names") || !strings.Contains(err.Error(), "brands[1].colour") {
				t.Errorf("bad import: %v, want field errors for brands[0].names and brands[1].colour", err)
			}
			if got := auditCount(t, a, sys); got != before {
				t.Errorf("a refused import wrote %d audit entries", got-before)
			}

			// A good import keeps its data; the registry adds only unnamed marks.
			sum, err := a.ImportProtectionProfile(ctx, inv, demo.DetectProfile())
			if err != nil || sum.Brands != 3 || len(sum.SHA256) != 64 {
				t.Fatalf("import: %+v %v", sum, err)
			}
			if got := auditCount(t, a, sys); got != before+1 {
				t.Errorf("import wrote %d audit entries, want 1", got-before)
			}
			prof, err = a.ProtectionProfile(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			if len(prof.Brands) != 3 || len(prof.Brands[0].ReferencePrices) == 0 {
				t.Errorf("after import: %d brands, first %+v; want the 3 imported ones with their prices", len(prof.Brands), prof.Brands[0])
			}

			for _, p := range []auth.Principal{
				{UserID: "usr_x", OrgID: "org_brand", OrgKind: "rights_holder", Role: auth.RoleOwner},
				{UserID: "usr_l", OrgID: platform.ID, OrgKind: platform.Kind, Role: auth.RoleLiaison},
			} {
				if _, err := a.ProtectionProfile(ctx, p); !errors.Is(err, fault.ErrForbidden) && !errors.Is(err, fault.ErrNotFound) {
					t.Errorf("%s of %s reads the profile: %v", p.Role, p.OrgKind, err)
				}
				if _, err := a.ImportProtectionProfile(ctx, p, demo.DetectProfile()); err == nil {
					t.Errorf("%s of %s imported a profile", p.Role, p.OrgKind)
				}
			}
		})
	}
}

func auditCount(t *testing.T, a *app.App, sys auth.Principal) int64 {
	t.Helper()
	admin := sys
	admin.Role = auth.RoleAdmin
	entries, _, err := a.AuditEntries(context.Background(), admin, store.AuditFilter{ObjectType: "detect_profile", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(entries))
}
