package demo_test

import (
	"context"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/demo/demotest"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// TestSeed checks that the demo world holds what the pages and the browser
// tests rely on: logins for every role and items in everyday states.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	env := demotest.Open(t, storetest.Engines()[0])
	a, sys, platform, w := env.App, env.Sys, env.Platform, env.World
	for _, who := range []string{"platform admin", "platform reviewer", "platform investigator", "rights holder Aurora", "agent", "seller Shenzhen"} {
		email := w.Email(who)
		if email == "" {
			t.Errorf("no login for %s", who)
			continue
		}
		if _, err := a.Login(ctx, email, demo.Password); err != nil {
			t.Errorf("%s (%s) cannot log in: %v", who, email, err)
		}
	}
	want := map[string]string{"cn_actioned": "actioned", "us_pending": "under_review", "eu_pending": "under_review", "countered": "counter_forwarded"}
	for k, state := range want {
		v, err := a.Item(ctx, sys, w.Items[k])
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if v.State != state {
			t.Errorf("%s: state %s, want %s", k, v.State, state)
		}
	}
	q, err := a.ReviewQueue(ctx, auth.Principal{OrgID: platform.ID, OrgKind: platform.Kind, Role: auth.RoleReviewer, UserID: "usr_x"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) < 3 {
		t.Errorf("review queue has %d items, want the EU and US notices' three", len(q))
	}
	// Seeding again changes nothing.
	again, err := demo.Seed(ctx, a, sys)
	if err != nil || !again.AlreadyPresent {
		t.Errorf("second seed: %+v %v", again, err)
	}
	n, _, err := a.Items(ctx, sys, app.ItemQuery{}, store.Page{Limit: 100})
	if err != nil || len(n) != 6 {
		t.Errorf("items after a second seed: %d %v, want 6", len(n), err)
	}
}
