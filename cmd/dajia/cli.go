package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
)

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dajia "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func randomSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomPassword is 16 random bytes, readable and long enough for any policy.
func randomPassword() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// system is the principal the CLI and the server's own start-up act as: an
// admin of the platform organisation.
func system(ctx context.Context, a *app.App) (auth.Principal, error) {
	platform, err := a.EnsurePlatform(ctx, "Marketplace Platform")
	if err != nil {
		return auth.Principal{}, err
	}
	p := auth.System
	p.OrgID = platform.ID
	return p, nil
}

// firstStart creates the platform organisation and the first admin when the
// database has no users, printing the admin's password once.
func (m *Main) firstStart(ctx context.Context) error {
	p, err := system(ctx, m.App)
	if err != nil {
		return err
	}
	users, _, err := m.DB.Users(ctx, "", store.Page{Limit: 1})
	if err != nil || len(users) > 0 {
		return err
	}
	pw, generated := m.Config.AdminPassword, false
	if pw == "" {
		pw, generated = randomPassword(), true
	}
	u, err := m.App.CreateUser(ctx, p, app.NewUserInput{OrgID: p.OrgID, Email: m.Config.AdminEmail, Name: "Administrator", Password: pw, Role: auth.RoleAdmin})
	if err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	if generated {
		fmt.Fprintf(m.Stdout, "\nFirst start: created admin %s with password\n\n    %s\n\nIt is shown only this once. Change it after logging in (or set DAJIA_ADMIN_PASSWORD before the first start).\n\n", u.Email, pw)
	} else {
		fmt.Fprintf(m.Stdout, "First start: created admin %s with the password from DAJIA_ADMIN_PASSWORD\n", u.Email)
	}
	return nil
}

// openTool opens the store and services for a CLI subcommand.
func openTool(ctx context.Context, c Config, stdout, stderr io.Writer) (*Main, auth.Principal, error) {
	m := NewMain(c, stdout, stderr)
	if err := m.Open(ctx); err != nil {
		m.Close()
		return nil, auth.Principal{}, err
	}
	p, err := system(ctx, m.App)
	if err != nil {
		m.Close()
		return nil, p, err
	}
	return m, p, nil
}

// explain renders a service error for the terminal, naming fields.
func explain(err error) error {
	var inv *fault.Invalid
	if errors.As(err, &inv) {
		var b strings.Builder
		b.WriteString("invalid input:")
		for _, f := range inv.Fields {
			fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(f.Field, "_", "-"), f.Detail)
		}
		return errors.New(b.String())
	}
	return err
}

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("say what to do: create, list, disable, enable, key or revoke-key")
	}
	var c Config
	fs := newFlagSet("user "+args[0], stderr)
	c.storageFlags(fs)
	email := fs.String("email", "", "the user's e-mail address")
	password := fs.String("password", "", "the new user's password (at least 10 characters)")
	role := fs.String("role", "", "role: admin, reviewer, investigator, liaison, volunteer, integration (platform) or owner, member")
	org := fs.String("org", "", "organisation id (default: the platform organisation)")
	name := fs.String("name", "", "display name of a user, or name of an API key")
	keyID := fs.String("id", "", "API key id (revoke-key)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	m, p, err := openTool(ctx, c, stdout, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	a := m.App
	need := func(flag, v string) error {
		if v == "" {
			return usagef("--%s is required", flag)
		}
		return nil
	}
	switch args[0] {
	case "create":
		if err := errors.Join(need("email", *email), need("password", *password), need("role", *role)); err != nil {
			return err
		}
		orgID := *org
		if orgID == "" {
			orgID = p.OrgID
		}
		u, err := a.CreateUser(ctx, p, app.NewUserInput{OrgID: orgID, Email: *email, Name: *name, Password: *password, Role: auth.Role(*role)})
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "created user %s (%s, role %s, organisation %s)\n", u.ID, u.Email, u.Role, u.OrgID)
	case "list":
		users, _, err := a.Users(ctx, p, *org, store.Page{Limit: 500})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tROLE\tORGANISATION\tSTATUS")
		for _, u := range users {
			status := "active"
			if !u.DisabledAt.IsZero() {
				status = "disabled " + u.DisabledAt.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, u.OrgID, status)
		}
		return tw.Flush()
	case "disable", "enable":
		if err := need("email", *email); err != nil {
			return err
		}
		u, err := a.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("no user with e-mail %s", *email)
		}
		if _, err := a.SetUserDisabled(ctx, p, u.ID, args[0] == "disable"); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "%sd user %s (%s)\n", args[0], u.Email, u.ID)
	case "key":
		if err := need("email", *email); err != nil {
			return err
		}
		u, err := a.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("no user with e-mail %s", *email)
		}
		keyName := *name
		if keyName == "" {
			keyName = "CLI key for " + u.Email
		}
		k, secret, err := a.CreateAPIKey(ctx, p, app.NewKeyInput{OrgID: u.OrgID, Role: u.Role, Name: keyName})
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stderr, "API key %s (organisation %s, role %s). It is shown only once; store it now:\n", k.ID, k.OrgID, k.Role)
		fmt.Fprintln(stdout, secret)
	case "revoke-key":
		if err := need("id", *keyID); err != nil {
			return err
		}
		k, err := a.RevokeAPIKey(ctx, p, *keyID)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "revoked API key %s\n", k.ID)
	default:
		return usagef("unknown user command %q: use create, list, disable, enable, key or revoke-key", args[0])
	}
	return nil
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("usage: dajia audit verify")
	}
	var c Config
	fs := newFlagSet("audit verify", stderr)
	c.storageFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	m, p, err := openTool(ctx, c, stdout, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	rep, err := m.App.VerifyAudit(ctx, p)
	if err != nil {
		return err
	}
	if !rep.OK {
		return fmt.Errorf("audit chain BROKEN after %d good entries: %v", rep.Entries, rep.Break)
	}
	fmt.Fprintf(stdout, "audit chain intact: %d entries verified\n", rep.Entries)
	return nil
}
