package deliver

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/store"
)

// Limits on what an endpoint may hold.
const (
	maxURLLength         = 2048
	maxTopics            = 50
	maxTopicLength       = 100
	maxDescriptionLength = 500
)

// NewEndpoint validates a new endpoint of organisation orgID and makes its
// secret, which the caller shows once and stores with
// store.Tx.InsertWebhookEndpoint. The endpoint starts enabled. Every field
// at fault is named in the returned *fault.Invalid.
func NewEndpoint(orgID, rawURL string, topics []string, description string, now time.Time) (store.WebhookEndpoint, string, error) {
	e := store.WebhookEndpoint{ID: id.New("whe", now), OrgID: orgID, URL: rawURL, Topics: topics, Description: description,
		Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := Validate(e); err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	return e, NewSecret(), nil
}

// Validate checks an endpoint's URL, topics and description (for a new
// endpoint or a change to one).
func Validate(e store.WebhookEndpoint) error {
	inv := new(fault.Invalid)
	if msg := checkURL(e.URL); msg != "" {
		inv.Add("url", "%s", msg)
	}
	if msg := checkTopics(e.Topics); msg != "" {
		inv.Add("topics", "%s", msg)
	}
	if utf8.RuneCountInString(e.Description) > maxDescriptionLength || !utf8.ValidString(e.Description) {
		inv.Add("description", "must be valid text of at most %d characters", maxDescriptionLength)
	}
	return inv.Err()
}

// checkURL returns what is wrong with an endpoint URL, or "".
func checkURL(raw string) string {
	if raw == "" {
		return "is required"
	}
	if len(raw) > maxURLLength {
		return "is longer than 2048 bytes"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Opaque != "":
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an absolute http or https URL"
	case u.Hostname() == "":
		return "must name a host"
	case u.User != nil:
		return "must not contain a user name or password"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "must not contain a fragment"
	case strings.ContainsAny(raw, " \t\r\n"):
		return "must not contain white space"
	}
	return ""
}

// checkTopics returns what is wrong with a subscription, or "". A pattern
// is "*", a topic of lower-case dot-separated words ("action.remove_listing")
// or such a prefix followed by ".*" ("action.*").
func checkTopics(topics []string) string {
	if len(topics) == 0 {
		return "must name at least one topic"
	}
	if len(topics) > maxTopics {
		return "must name at most 50 topics"
	}
	for _, p := range topics {
		if !validPattern(p) {
			return "\"" + p + "\" is not a topic, a prefix ending in \".*\", or \"*\""
		}
	}
	return ""
}

func validPattern(p string) bool {
	if p == "*" {
		return true
	}
	if len(p) > maxTopicLength {
		return false
	}
	p = strings.TrimSuffix(p, ".*")
	for word := range strings.SplitSeq(p, ".") {
		if word == "" {
			return false
		}
		for _, c := range word {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '-' {
				return false
			}
		}
	}
	return true
}
