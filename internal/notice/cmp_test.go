package notice

import (
	"errors"

	"github.com/google/go-cmp/cmp"
)

func cmpCase(a, b Case) string { return cmp.Diff(a, b) }

func errorsIs(err, target error) bool { return errors.Is(err, target) }
