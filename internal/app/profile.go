package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// profileSetting holds the imported protection profile data (JSON).
const profileSetting = "protection_profile"

// ProfileSummary says what an import changed.
type ProfileSummary struct {
	Brands int    `json:"brands"`
	SHA256 string `json:"sha256"`
}

// ImportProtectionProfile replaces the imported protection-profile data
// (reference prices, authorised sellers, images, extra names, slang) with
// raw, after validating it completely: a profile with any error changes
// nothing, and every error names its JSON path. The brands of verified
// trademarks on file are added on export whether imported or not.
func (a *App) ImportProtectionProfile(ctx context.Context, p auth.Principal, raw []byte) (ProfileSummary, error) {
	if err := auth.Check(p, auth.ProfileWrite, auth.Resource{Kind: auth.KindLead}); err != nil {
		return ProfileSummary{}, err
	}
	prof, err := detect.ParseProfile(bytes.NewReader(raw))
	if err != nil {
		return ProfileSummary{}, profileInvalid(err)
	}
	if _, err := detect.Compile(prof, detect.Options{}); err != nil {
		return ProfileSummary{}, profileInvalid(err)
	}
	var canon bytes.Buffer
	if err := prof.WriteJSON(&canon); err != nil {
		return ProfileSummary{}, err
	}
	sum := sha256.Sum256(canon.Bytes())
	out := ProfileSummary{Brands: len(prof.Brands), SHA256: hex.EncodeToString(sum[:])}
	now := a.Now()
	err = a.db.Tx(ctx, func(tx *store.Tx) error {
		before, _, err := tx.LookupSetting(ctx, profileSetting)
		if err != nil {
			return err
		}
		var prev any
		if before != "" {
			b := sha256.Sum256([]byte(before))
			prev = map[string]string{"sha256": hex.EncodeToString(b[:])}
		}
		if err := tx.SetSetting(ctx, profileSetting, canon.String()); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "detect_profile.import", objectType: "detect_profile", objectID: "protection_profile",
			orgID: p.OrgID, before: prev, after: out})
	})
	return out, err
}

// ProtectionProfile is the profile detection scores against: the imported
// data, plus a brand for every verified trademark on file whose mark no
// imported brand names yet (so a newly verified right is protected without
// anyone editing the profile).
func (a *App) ProtectionProfile(ctx context.Context, p auth.Principal) (*detect.Profile, error) {
	if err := auth.Check(p, auth.ProfileRead, auth.Resource{Kind: auth.KindLead}); err != nil {
		return nil, err
	}
	prof := &detect.Profile{Version: detect.ProfileVersion}
	raw, ok, err := a.db.LookupSetting(ctx, profileSetting)
	if err != nil {
		return nil, err
	}
	if ok && raw != "" {
		if prof, err = detect.ParseProfile(strings.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("stored protection profile: %w", err)
		}
	}
	named := map[string]bool{}
	ids := map[string]bool{}
	for _, b := range prof.Brands {
		ids[b.ID] = true
		for _, n := range b.Names {
			named[strings.ToLower(n)] = true
		}
	}
	page := store.Page{Limit: 500}
	for {
		rights, next, err := a.db.Rights(ctx, store.RightFilter{Any: true, Type: registry.Trademark, State: registry.RightVerified}, page)
		if err != nil {
			return nil, err
		}
		for _, r := range rights {
			if r.Trademark == nil {
				continue
			}
			names := markNames(r.Trademark.MarkText)
			if len(names) == 0 || named[strings.ToLower(names[0])] {
				continue
			}
			id := brandID(names[0])
			for i := 2; ids[id]; i++ {
				id = fmt.Sprintf("%s-%d", brandID(names[0]), i)
			}
			ids[id] = true
			for _, n := range names {
				named[strings.ToLower(n)] = true
			}
			prof.Brands = append(prof.Brands, detect.Brand{ID: id, Names: names})
		}
		if next == "" {
			break
		}
		page.After = next
	}
	return prof, nil
}

// markNames splits a mark's text into the names detection looks for: each
// run of one script ("AURORA 极光" → AURORA, 极光), the whole text too when
// it has several words of one script ("LOUIS VUITTON").
func markNames(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len([]rune(s)) >= 2 && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	var latin, other []string
	for _, f := range strings.Fields(text) {
		if isLatinWord(f) {
			latin = append(latin, f)
		} else {
			other = append(other, f)
		}
	}
	if len(latin) > 0 {
		add(strings.Join(latin, " "))
	}
	for _, o := range other {
		add(o)
	}
	return out
}

func isLatinWord(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1 {
			return false
		}
	}
	return true
}

// brandID makes a brand id from a name: lower-case ASCII letters and
// digits joined by hyphens ("brand" when nothing is left).
func brandID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		h := sha256.Sum256([]byte(name))
		id = "brand-" + hex.EncodeToString(h[:4])
	}
	return id
}

// profileInvalid turns the profile's errors into field errors named by
// their JSON paths.
func profileInvalid(err error) error {
	v := new(fault.Invalid)
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*detect.FieldError); ok {
			v.Add(fe.Path, "%v", fe.Err)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if u := errors.Unwrap(e); u != nil {
			walk(u)
			return
		}
		v.Add("profile", "%v", e)
	}
	walk(err)
	return v.Err()
}
