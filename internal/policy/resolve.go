package policy

import (
	"slices"
	"strings"
)

// ResolveConfig is the platform configuration that profile resolution needs.
type ResolveConfig struct {
	// EnabledProfiles lists the profile IDs the operator turned on; nil
	// enables every profile in the Set.
	EnabledProfiles []string
	// PlatformRoles are the roles the platform plays (hosting,
	// online_platform, marketplace, vlop); a profile applies if it names any.
	PlatformRoles []string
}

// Applied is one profile that applies to an item case, with the territories
// in which it may create or lift measures (§4.4: measures are per territory).
type Applied struct {
	Profile     *Profile
	Territories []string
}

// RightType maps a notice's infringement type to the right type a profile's
// applies_when.right_types is matched against: counterfeit, trademark misuse
// and unauthorised import are trademark claims; other values name the right
// type itself. Unknown values map to "".
func RightType(infringementType string) string {
	switch it := strings.ToLower(infringementType); it {
	case "counterfeit", "trademark", "trademark_misuse", "unauthorized_import":
		return "trademark"
	case "gi":
		return "GI"
	case "copyright", "patent", "utility_model", "design", "trade_secret":
		return it
	}
	return ""
}

// Resolve returns the profiles that apply to one item (§4.4): for each enabled
// profile that covers the platform role and the infringement's right type,
// the territories where the listing is offered, the right is valid and the
// profile applies. Profiles with no such territory are left out. "EU" in
// listingMarkets or rightTerritories stands for the 27 member states (an EU
// trade mark); "*" in rightTerritories means valid everywhere. The result is
// sorted by profile ID, each territory list sorted.
func (s *Set) Resolve(cfg ResolveConfig, listingMarkets, rightTerritories []string, infringementType string) []Applied {
	right := RightType(infringementType)
	if right == "" {
		return nil
	}
	markets := expand(listingMarkets)
	rights := expand(rightTerritories)
	var out []Applied
	for _, id := range s.IDs() {
		if cfg.EnabledProfiles != nil && !slices.Contains(cfg.EnabledProfiles, id) {
			continue
		}
		p := s.byID[id]
		if !slices.Contains(p.AppliesWhen.RightTypes, right) {
			continue
		}
		if !slices.ContainsFunc(cfg.PlatformRoles, func(r string) bool { return slices.Contains(p.AppliesWhen.PlatformRole, r) }) {
			continue
		}
		var terr []string
		for _, m := range markets {
			if m == "*" {
				continue
			}
			inRight := slices.Contains(rights, "*") || slices.Contains(rights, m)
			inProfile := slices.Contains(p.AppliesWhen.Territories, "*") || slices.Contains(p.AppliesWhen.Territories, m)
			if inRight && inProfile {
				terr = append(terr, m)
			}
		}
		if len(terr) > 0 {
			out = append(out, Applied{Profile: p, Territories: terr})
		}
	}
	return out
}

// expand upper-cases codes, replaces "EU" with the member states, and
// returns them sorted without duplicates.
func expand(codes []string) []string {
	var out []string
	for _, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "EU" {
			out = append(out, EUCodes()...)
			continue
		}
		if c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
