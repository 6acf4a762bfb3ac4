package app

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// Stats scopes.
const (
	StatsPlatform = "platform" // platform staff: every notice
	StatsNotifier = "notifier" // a rights holder or agent: its own notices
	StatsSeller   = "seller"   // a seller: notices against it and its strikes
)

// Stats are a dashboard's weekly figures, oldest week first.
type Stats struct {
	Scope string      `json:"scope"`
	Weeks []time.Time `json:"weeks"` // Monday 00:00 UTC of each week
	// Received and Decided count items received and decided (reviewer
	// decisions) per week; Restored items restored after a counter-notice.
	Received []int `json:"received"`
	Decided  []int `json:"decided"`
	Restored []int `json:"restored"`
	// MedianHours is the median time from receipt to decision of the
	// week's decisions, NaN when there was none; Median over all weeks.
	MedianHours []float64     `json:"-"`
	Median      time.Duration `json:"median"`
	// ByProfile counts received items per week under each profile.
	ByProfile []ProfileSeries `json:"by_profile"`
	// Outcomes counts the period's items by their current state.
	Outcomes []StateCount `json:"outcomes"`
	// Strikes counts a seller's strikes per week by status.
	Strikes []ProfileSeries `json:"strikes,omitempty"`
	// Accuracy is a notifier's accuracy per profile.
	Accuracy []ProfileAccuracy `json:"accuracy,omitempty"`
}

// ProfileSeries is one named weekly series.
type ProfileSeries struct {
	Name   string `json:"name"`
	Counts []int  `json:"counts"`
}

// StateCount is how many items are in a state.
type StateCount struct {
	State string `json:"state"`
	N     int    `json:"n"`
}

// Stats returns the weekly figures of the last weeks (1 to 52, default 12)
// that p may see: platform staff who list items see every notice; a seller
// the notices against it and its strikes; a rights holder or agent its own
// notices, with its accuracy.
func (a *App) Stats(ctx context.Context, p auth.Principal, weeks int) (Stats, error) {
	if err := auth.Check(p, auth.ItemList, auth.Resource{Kind: auth.KindItem}); err != nil {
		return Stats{}, err
	}
	if weeks <= 0 || weeks > 52 {
		weeks = 12
	}
	now := a.Now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	from := monday.AddDate(0, 0, -7*(weeks-1))
	f := store.StatsFilter{From: from, Weeks: weeks}
	st := Stats{Scope: StatsPlatform}
	switch {
	case p.Platform():
	case p.OrgKind == registry.KindSeller:
		st.Scope, f.SellerOrg = StatsSeller, p.OrgID
	default:
		st.Scope, f.Notifier = StatsNotifier, p.OrgID
	}
	raw, err := a.db.WeeklyStats(ctx, f)
	if err != nil {
		return st, err
	}
	for i := range weeks {
		st.Weeks = append(st.Weeks, from.AddDate(0, 0, 7*i))
	}
	st.Received, st.Decided, st.Restored = make([]int, weeks), make([]int, weeks), make([]int, weeks)
	profiles := map[string][]int{}
	for _, c := range raw.Received {
		if c.Week < 0 || c.Week >= weeks {
			continue
		}
		st.Received[c.Week] += c.N
		for _, pr := range strings.Split(strings.Trim(c.Key, ","), ",") {
			if pr == "" {
				continue
			}
			if profiles[pr] == nil {
				profiles[pr] = make([]int, weeks)
			}
			profiles[pr][c.Week] += c.N
		}
	}
	for _, name := range sortedKeys(profiles) {
		st.ByProfile = append(st.ByProfile, ProfileSeries{Name: name, Counts: profiles[name]})
	}
	for _, c := range raw.Restored {
		if c.Week >= 0 && c.Week < weeks {
			st.Restored[c.Week] += c.N
		}
	}
	perWeek := make([][]time.Duration, weeks)
	var all []time.Duration
	for _, d := range raw.Decisions {
		if d.Week >= 0 && d.Week < weeks {
			st.Decided[d.Week]++
			perWeek[d.Week] = append(perWeek[d.Week], d.Duration)
			all = append(all, d.Duration)
		}
	}
	st.MedianHours = make([]float64, weeks)
	for i, ds := range perWeek {
		st.MedianHours[i] = math.NaN()
		if len(ds) > 0 {
			st.MedianHours[i] = median(ds).Hours()
		}
	}
	if len(all) > 0 {
		st.Median = median(all)
	}
	for _, c := range raw.Outcomes {
		st.Outcomes = append(st.Outcomes, StateCount{State: c.Key, N: c.N})
	}
	sort.Slice(st.Outcomes, func(i, j int) bool { return st.Outcomes[i].State < st.Outcomes[j].State })
	strikes := map[string][]int{}
	for _, c := range raw.Strikes {
		if c.Week < 0 || c.Week >= weeks {
			continue
		}
		if strikes[c.Key] == nil {
			strikes[c.Key] = make([]int, weeks)
		}
		strikes[c.Key][c.Week] += c.N
	}
	for _, name := range sortedKeys(strikes) {
		st.Strikes = append(st.Strikes, ProfileSeries{Name: name, Counts: strikes[name]})
	}
	if st.Scope == StatsNotifier {
		if st.Accuracy, err = a.Accuracy(ctx, p, ""); err != nil {
			return st, err
		}
	}
	return st, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
