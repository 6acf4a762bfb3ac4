package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dajia-project/dajia/internal/fault"
)

// cmdProfile exports or imports the protection profile detection scores
// against.
func cmdProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		return usagef("usage: dajia profile export [--out FILE] | dajia profile import FILE")
	}
	var c Config
	fs := newFlagSet("profile "+args[0], stderr)
	c.storageFlags(fs)
	out := fs.String("out", "", "write the profile to this file instead of standard output")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	if args[0] == "import" && fs.NArg() != 1 {
		return usagef("usage: dajia profile import FILE (the JSON written by dajia profile export, edited)")
	}
	m, p, err := openTool(ctx, c, stdout, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	if args[0] == "export" {
		prof, err := m.App.ProtectionProfile(ctx, p)
		if err != nil {
			return err
		}
		w := stdout
		if *out != "" {
			f, err := os.Create(*out)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		if err := prof.WriteJSON(w); err != nil {
			return err
		}
		if *out != "" {
			fmt.Fprintf(stdout, "wrote %d brands to %s\n", len(prof.Brands), *out)
		}
		return nil
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	sum, err := m.App.ImportProtectionProfile(ctx, p, raw)
	var inv *fault.Invalid
	if errors.As(err, &inv) {
		msg := fmt.Sprintf("%s was not imported (nothing changed); fix these and run again:", fs.Arg(0))
		for _, f := range inv.Fields {
			msg += "\n  " + f.Field + ": " + f.Detail
		}
		return errors.New(msg)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d brands (sha256 %s); a running server picks it up within 10 minutes\n", sum.Brands, sum.SHA256[:16])
	return nil
}
