package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/demo"
)

// DemoPassword is the password of every demo login.
const DemoPassword = demo.Password

// seedDemo creates the demo world once and prints its logins.
func seedDemo(ctx context.Context, a *app.App, out io.Writer) error {
	sys, err := system(ctx, a)
	if err != nil {
		return err
	}
	w, err := demo.Seed(ctx, a, sys)
	if err != nil {
		return err
	}
	if !w.AlreadyPresent {
		// The demo brands' reference prices and aliases, as a brand
		// protection team would import them.
		if _, err := a.ImportProtectionProfile(ctx, sys, demo.DetectProfile()); err != nil {
			return fmt.Errorf("import the demo protection profile: %w", err)
		}
	}
	if w.AlreadyPresent {
		fmt.Fprintf(out, "Demo world already present; demo logins use the password %q.\n", DemoPassword)
		return nil
	}
	fmt.Fprintf(out, "\nDemo logins (password %q for all):\n", DemoPassword)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, l := range w.Logins {
		fmt.Fprintf(tw, "  %s\t%s\n", l.Who, l.Email)
	}
	tw.Flush()
	fmt.Fprintln(out)
	return nil
}
