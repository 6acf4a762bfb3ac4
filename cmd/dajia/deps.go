package main

// Temporary: pins the module's planned dependencies until the packages that use them land.
import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/image/webp"
	_ "golang.org/x/text/unicode/norm"
	_ "golang.org/x/text/width"
	_ "modernc.org/sqlite"
)
