// Package demotest opens a fresh database holding the demo world, for the
// tests of the packages that build on it (app, pipeline, web).
package demotest

import (
	"context"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/blob"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// Env is a seeded demo world.
type Env struct {
	DB       *store.DB
	App      *app.App
	Platform registry.Organisation
	Sys      auth.Principal // the platform's System principal
	World    demo.World
}

// Open seeds the demo world into a fresh database of engine e, with fast
// password hashing and evidence files under the test's temporary directory.
func Open(t testing.TB, e storetest.Engine) Env {
	t.Helper()
	ctx := context.Background()
	db, _ := storetest.Open(t, e)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(db, blobs, app.Options{Password: auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
	platform, err := a.EnsurePlatform(ctx, "Platform")
	if err != nil {
		t.Fatal(err)
	}
	sys := auth.System
	sys.OrgID = platform.ID
	w, err := demo.Seed(ctx, a, sys)
	if err != nil {
		t.Fatal(err)
	}
	return Env{DB: db, App: a, Platform: platform, Sys: sys, World: w}
}
