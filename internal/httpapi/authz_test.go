package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/store/storetest"
)

// outcome is what the policy must answer.
type outcome int

const (
	allow  outcome = iota // anything but 401, 403, 404: the request reached the use case
	hidden                // 404: the caller may not know the object exists
	denied                // 403: the caller sees it but may not do this
	unauth                // 401: no credentials
)

func (o outcome) String() string { return [...]string{"allowed", "404", "403", "401"}[o] }

func (o outcome) matches(status int) bool {
	switch o {
	case hidden:
		return status == 404
	case denied:
		return status == 403
	case unauth:
		return status == 401
	}
	return status != 401 && status != 403 && status != 404
}

// principals in the matrix: every platform role, owner and member of a
// rights holder (A, whose objects are the targets), the owner of another
// rights holder (B), an agent authorised by A, a seller, an agency, and
// an anonymous caller.
var principals = []string{"admin", "reviewer", "investigator", "liaison", "volunteer", "integration",
	"aOwner", "aMember", "bOwner", "agent", "seller", "agency", "anon"}

// expect builds an expectation: def for everyone not named, anon → 401
// unless named.
func expect(def outcome, overrides ...any) map[string]outcome {
	m := map[string]outcome{}
	for _, p := range principals {
		m[p] = def
	}
	m["anon"] = unauth
	for i := 0; i < len(overrides); i += 2 {
		o := overrides[i+1].(outcome)
		for _, name := range strings.Fields(overrides[i].(string)) {
			m[name] = o
		}
	}
	return m
}

type authzCase struct {
	method, path string // as registered
	url          func(w *world) string
	body         func(w *world, who string) any
	want         map[string]outcome
}

func authzCases() []authzCase {
	staffOrg := "admin reviewer investigator liaison"
	return []authzCase{
		{"POST", "/api/v1/auth/login", nil, func(*world, string) any {
			return map[string]string{"email": "nobody@test.example", "password": "wrong-password"}
		},
			expect(unauth)},
		{"POST", "/api/v1/auth/logout", nil, nil, expect(allow)},
		{"GET", "/api/v1/auth/session", nil, nil, expect(allow)},
		{"POST", "/api/v1/api-keys", nil, func(w *world, who string) any {
			return map[string]string{"org_id": w.orgA.ID, "role": "member", "name": "key by " + who}
		}, expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"GET", "/api/v1/api-keys", func(w *world) string { return "/api/v1/api-keys?org_id=" + w.orgA.ID }, nil,
			expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"POST", "/api/v1/api-keys/{id}/revoke", func(w *world) string { return "/api/v1/api-keys/" + w.keyA.ID + "/revoke" }, nil,
			expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"POST", "/api/v1/users", nil, func(w *world, who string) any {
			return map[string]string{"org_id": w.orgA.ID, "email": "new-by-" + who + "@test.example", "password": testPassword, "role": "member"}
		}, expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"GET", "/api/v1/users", func(w *world) string { return "/api/v1/users?org_id=" + w.orgA.ID }, nil,
			expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"POST", "/api/v1/users/{id}/disable", func(w *world) string { return "/api/v1/users/" + w.victimA.ID + "/disable" }, nil,
			expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"POST", "/api/v1/users/{id}/enable", func(w *world) string { return "/api/v1/users/" + w.victimA.ID + "/enable" }, nil,
			expect(hidden, "admin aOwner", allow, "aMember", denied)},
		{"POST", "/api/v1/organizations", nil, func(w *world, who string) any {
			return map[string]string{"kind": "seller", "legal_name": "Shop by " + who, "country": "CN"}
		}, expect(denied, "admin anon", allow)},
		{"GET", "/api/v1/organizations", nil, nil, expect(denied, staffOrg, allow)},
		{"GET", "/api/v1/organizations/{id}", func(w *world) string { return "/api/v1/organizations/" + w.orgA.ID }, nil,
			expect(hidden, staffOrg+" aOwner aMember agent", allow)},
		{"PATCH", "/api/v1/organizations/{id}", func(w *world) string { return "/api/v1/organizations/" + w.orgA.ID },
			func(*world, string) any { return map[string]string{"address": "3 Other Road"} },
			expect(hidden, "admin aOwner", allow, "reviewer investigator liaison aMember agent", denied)},
		{"POST", "/api/v1/organizations/{id}/submit", func(w *world) string { return "/api/v1/organizations/" + w.orgA.ID + "/submit" }, nil,
			expect(hidden, "admin aOwner", allow, "reviewer investigator liaison aMember agent", denied)},
		{"POST", "/api/v1/organizations/{id}/review", func(w *world) string { return "/api/v1/organizations/" + w.orgA.ID + "/review" },
			func(*world, string) any { return map[string]string{"decision": "verify"} },
			expect(hidden, "admin reviewer", allow, "investigator liaison aOwner aMember agent", denied)},
		{"POST", "/api/v1/organizations/{id}/suspend", func(w *world) string { return "/api/v1/organizations/" + w.orgA.ID + "/suspend" },
			func(*world, string) any { return map[string]string{"reason": ""} }, // an empty reason: refused before anything changes
			expect(hidden, "admin", allow, "reviewer investigator liaison aOwner aMember agent", denied)},
		{"POST", "/api/v1/organizations/{id}/reinstate", func(w *world) string { return "/api/v1/organizations/" + w.orgA.ID + "/reinstate" },
			func(*world, string) any { return map[string]string{"reason": "x"} },
			expect(hidden, "admin", allow, "reviewer investigator liaison aOwner aMember agent", denied)},
		{"POST", "/api/v1/documents", nil, func(*world, string) any { return upload("note.txt", []byte("a plain note\n")) },
			expect(allow, "integration", denied)},
		{"GET", "/api/v1/documents/{id}", func(w *world) string { return "/api/v1/documents/" + w.docA.ID }, nil,
			expect(hidden, staffOrg+" aOwner aMember", allow)},
		{"GET", "/api/v1/documents/{id}/content", func(w *world) string { return "/api/v1/documents/" + w.docA.ID + "/content" }, nil,
			expect(hidden, staffOrg+" aOwner aMember", allow)},
		{"POST", "/api/v1/rights", nil, func(*world, string) any { return map[string]any{"type": "trademark"} },
			expect(denied, "aOwner aMember bOwner", allow)},
		{"GET", "/api/v1/rights", nil, nil, expect(allow, "volunteer integration", denied)},
		{"GET", "/api/v1/rights/{id}", func(w *world) string { return "/api/v1/rights/" + w.rightA.ID }, nil,
			expect(hidden, staffOrg+" aOwner aMember agent", allow)},
		{"PUT", "/api/v1/rights/{id}", func(w *world) string { return "/api/v1/rights/" + w.rightA.ID },
			func(*world, string) any { return map[string]any{"type": "trademark"} },
			expect(hidden, "aOwner aMember", allow, staffOrg+" agent", denied)},
		{"POST", "/api/v1/rights/{id}/review", func(w *world) string { return "/api/v1/rights/" + w.rightA.ID + "/review" },
			func(*world, string) any { return map[string]string{"decision": "verify"} },
			expect(hidden, "admin reviewer", allow, "investigator liaison aOwner aMember agent", denied)},
		{"POST", "/api/v1/rights/{id}/revoke", func(w *world) string { return "/api/v1/rights/" + w.rightA.ID + "/revoke" },
			func(*world, string) any { return map[string]string{"reason": ""} },
			expect(hidden, "admin reviewer aOwner aMember", allow, "investigator liaison agent", denied)},
		{"POST", "/api/v1/authorizations", nil, func(*world, string) any { return map[string]any{} },
			expect(denied, "agent", allow)},
		{"GET", "/api/v1/authorizations", nil, nil, expect(allow, "liaison volunteer integration", denied)},
		{"GET", "/api/v1/authorizations/{id}", func(w *world) string { return "/api/v1/authorizations/" + w.authG.ID }, nil,
			expect(hidden, "admin reviewer investigator agent aOwner aMember", allow)},
		{"POST", "/api/v1/authorizations/{id}/review", func(w *world) string { return "/api/v1/authorizations/" + w.authG.ID + "/review" },
			func(*world, string) any { return map[string]string{"decision": "verify"} },
			expect(hidden, "admin reviewer", allow, "investigator agent aOwner aMember", denied)},
		{"POST", "/api/v1/authorizations/{id}/revoke", func(w *world) string { return "/api/v1/authorizations/" + w.authG2.ID + "/revoke" },
			func(*world, string) any { return map[string]string{"reason": "mandate ended"} },
			expect(hidden, "admin reviewer aOwner", allow, "investigator agent aMember", denied)},
		// --- catalogue ---
		{"PUT", "/api/v1/listings/{id}", func(*world) string { return "/api/v1/listings/L-9" }, func(*world, string) any { return map[string]any{"id": "L-9"} },
			expect(denied, "admin integration", allow)},
		{"POST", "/api/v1/listings:batch", nil, func(*world, string) any { return []byte(`{"id":"L-9"}`) }, expect(denied, "admin integration", allow)},
		{"GET", "/api/v1/listings/{id}", func(*world) string { return "/api/v1/listings/L-1" }, nil, expect(hidden, staffOrg+" integration seller", allow)},
		{"GET", "/api/v1/listings/{id}/versions", func(*world) string { return "/api/v1/listings/L-1/versions" }, nil,
			expect(hidden, staffOrg+" integration seller", allow)},
		{"PUT", "/api/v1/sellers/{id}", func(w *world) string { return "/api/v1/sellers/S-9" }, func(*world, string) any { return map[string]any{"id": "S-9"} },
			expect(denied, "admin integration", allow)},
		{"GET", "/api/v1/sellers/{id}", func(w *world) string { return "/api/v1/sellers/" + w.sellerID }, nil, expect(hidden, staffOrg+" integration seller", allow)},
		// --- notices and items ---
		{"POST", "/api/v1/notices", nil, func(*world, string) any { return map[string]any{} }, expect(denied, "aOwner aMember bOwner agent", allow)},
		{"GET", "/api/v1/notices", nil, nil, expect(allow, "volunteer integration", denied)},
		{"GET", "/api/v1/notices/{id}", func(w *world) string { return "/api/v1/notices/" + w.noticeID }, nil, expect(hidden, staffOrg+" aOwner aMember", allow)},
		{"GET", "/api/v1/items", nil, nil, expect(allow, "volunteer integration", denied)},
		{"GET", "/api/v1/items/{id}", func(w *world) string { return "/api/v1/items/" + w.item1 }, nil, expect(hidden, staffOrg+" aOwner aMember seller", allow)},
		{"GET", "/api/v1/review/queue", nil, nil, expect(denied, "admin reviewer", allow)},
		{"POST", "/api/v1/items/{id}/claim", func(w *world) string { return "/api/v1/items/" + w.item1 + "/claim" }, nil, itemReview()},
		{"POST", "/api/v1/items/{id}/decision", func(w *world) string { return "/api/v1/items/" + w.item1 + "/decision" },
			func(*world, string) any { return map[string]any{} }, itemReview()},
		{"POST", "/api/v1/items:decide", nil, func(w *world, _ string) any {
			return map[string]any{"item_ids": []string{w.item1}, "outcome": "action", "reason": "x"}
		}, expect(denied, "admin reviewer", allow)},
		{"POST", "/api/v1/items/{id}/request-information", func(w *world) string { return "/api/v1/items/" + w.item1 + "/request-information" },
			func(*world, string) any { return map[string]any{} }, itemReview()},
		{"POST", "/api/v1/items/{id}/complete", func(w *world) string { return "/api/v1/items/" + w.item1 + "/complete" },
			func(*world, string) any { return map[string]any{} }, itemAct("aOwner aMember", "seller")},
		{"POST", "/api/v1/items/{id}/counter-notice", func(w *world) string { return "/api/v1/items/" + w.item1 + "/counter-notice" },
			func(*world, string) any { return map[string]any{} }, itemAct("seller", "aOwner aMember")},
		{"POST", "/api/v1/items/{id}/complaints", func(w *world) string { return "/api/v1/items/" + w.item1 + "/complaints" },
			func(*world, string) any { return map[string]any{} }, itemAct("seller aOwner aMember", "")},
		{"POST", "/api/v1/items/{id}/complaint-decision", func(w *world) string { return "/api/v1/items/" + w.item1 + "/complaint-decision" },
			func(*world, string) any { return map[string]any{"outcome": "upheld", "reason": "x"} }, itemReview()},
		{"POST", "/api/v1/items/{id}/proceedings", func(w *world) string { return "/api/v1/items/" + w.item1 + "/proceedings" },
			func(*world, string) any { return map[string]any{} }, itemAct("aOwner aMember", "seller")},
		{"POST", "/api/v1/items/{id}/proceedings-outcome", func(w *world) string { return "/api/v1/items/" + w.item1 + "/proceedings-outcome" },
			func(*world, string) any { return map[string]any{"infringing": true} }, itemReview()},
		{"POST", "/api/v1/items/{id}/tolling", func(w *world) string { return "/api/v1/items/" + w.item1 + "/tolling" },
			func(*world, string) any { return map[string]any{} }, itemAct("aOwner aMember", "seller")},
		{"POST", "/api/v1/items/{id}/close", func(w *world) string { return "/api/v1/items/" + w.item2 + "/close" },
			func(*world, string) any { return map[string]any{"reason": "no answer"} }, itemReview()},
		{"POST", "/api/v1/items/{id}/retract", func(w *world) string { return "/api/v1/items/" + w.item2 + "/retract" },
			func(*world, string) any { return map[string]any{"reason": "settled"} }, itemAct("aOwner aMember", "seller")},
		{"GET", "/api/v1/statements/{id}", func(w *world) string { return "/api/v1/statements/" + w.statementID }, nil,
			expect(hidden, staffOrg+" aOwner aMember seller", allow)},
		{"GET", "/api/v1/inbox", nil, nil, expect(allow)},
		{"POST", "/api/v1/inbox/{id}/read", func(w *world) string { return "/api/v1/inbox/" + w.sellerMsgID + "/read" }, nil, expect(hidden, "seller", allow)},
		{"GET", "/api/v1/sellers/{id}/strikes", func(w *world) string { return "/api/v1/sellers/" + w.sellerID + "/strikes" }, nil,
			expect(hidden, staffOrg+" seller", allow)},
		{"GET", "/api/v1/accuracy", func(w *world) string { return "/api/v1/accuracy?org_id=" + w.orgA.ID }, nil, expect(hidden, staffOrg+" aOwner aMember", allow)},
		{"GET", "/api/v1/policy/profiles", nil, nil, expect(allow, "anon", allow)},
		{"GET", "/api/v1/register", nil, nil, expect(allow, "anon", allow)},
		// --- detection leads ---
		{"GET", "/api/v1/leads", nil, nil, expect(denied, "admin reviewer investigator aOwner aMember bOwner", allow)},
		{"GET", "/api/v1/leads/{id}", func(w *world) string { return "/api/v1/leads/" + w.leads.sent }, nil,
			expect(hidden, "admin reviewer investigator aOwner aMember", allow)},
		{"POST", "/api/v1/leads/{id}/confirm", func(w *world) string { return "/api/v1/leads/" + w.leads.confirm + "/confirm" },
			func(*world, string) any { return map[string]string{"reason": "replica"} }, leadTriage()},
		{"POST", "/api/v1/leads/{id}/dismiss", func(w *world) string { return "/api/v1/leads/" + w.leads.dismiss + "/dismiss" },
			func(*world, string) any { return map[string]string{"reason": "genuine"} }, leadTriage()},
		{"POST", "/api/v1/leads/{id}/send-to-brand", func(w *world) string { return "/api/v1/leads/" + w.leads.unowned + "/send-to-brand" },
			func(*world, string) any { return map[string]string{"note": "please check"} },
			expect(hidden, "admin investigator", allow, "reviewer", denied)},
		{"POST", "/api/v1/leads:triage", nil, func(w *world, _ string) any {
			return map[string]any{"ids": []string{w.leads.unowned}, "action": "send_to_brand"}
		}, expect(denied, "admin investigator", allow)},
		{"POST", "/api/v1/leads/{id}/brand-answer", func(w *world) string { return "/api/v1/leads/" + w.leads.answer + "/brand-answer" },
			func(*world, string) any { return map[string]any{"confirm": false, "note": "genuine outlet stock"} },
			expect(hidden, "aOwner aMember", allow, "admin reviewer investigator", denied)},
		// --- delivery ---
		{"POST", "/api/v1/webhooks", nil, func(*world, string) any {
			return map[string]any{"url": "https://hooks.market.example/x", "topics": []string{"action.*"}}
		}, expect(denied, "admin", allow)},
		{"GET", "/api/v1/webhooks", nil, nil, expect(denied, "admin", allow)},
		{"GET", "/api/v1/webhooks/{id}/deliveries", func(w *world) string { return "/api/v1/webhooks/" + w.endpointID + "/deliveries" }, nil,
			expect(denied, "admin", allow)},
		{"PATCH", "/api/v1/webhooks/{id}", func(w *world) string { return "/api/v1/webhooks/" + w.endpointID }, func(*world, string) any {
			return map[string]any{"description": "marketplace"}
		}, expect(denied, "admin", allow)},
		{"POST", "/api/v1/webhooks/{id}/rotate-secret", func(w *world) string { return "/api/v1/webhooks/" + w.endpointID + "/rotate-secret" }, nil,
			expect(denied, "admin", allow)},
		{"POST", "/api/v1/webhooks/{id}/redeliver-dead", func(w *world) string { return "/api/v1/webhooks/" + w.endpointID + "/redeliver-dead" }, nil,
			expect(denied, "admin", allow)},
		{"DELETE", "/api/v1/webhooks/{id}", func(w *world) string { return "/api/v1/webhooks/" + w.endpointID }, nil, expect(denied, "admin", allow)},
		{"POST", "/api/v1/deliveries/{id}/redeliver", func(w *world) string { return "/api/v1/deliveries/" + w.deliveryID + "/redeliver" }, nil,
			expect(denied, "admin", allow)},
		{"GET", "/api/v1/actions", nil, nil, expect(denied, "admin integration", allow)},
		{"GET", "/api/v1/audit", nil, nil, expect(hidden, "admin", allow)},
		{"GET", "/api/v1/audit/verify", nil, nil, expect(hidden, "admin", allow)},
		{"GET", "/api/v1/openapi.json", nil, nil, expect(allow, "anon", allow)},
	}
}

// TestAuthorizationMatrix calls every route as every principal and checks
// the policy's answer; it fails if a route is served without a case here.
func TestAuthorizationMatrix(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			cases := authzCases()
			covered := map[string]bool{}
			for _, c := range cases {
				covered[c.method+" "+c.path] = true
			}
			for _, rt := range w.api.routes {
				if !covered[rt.method+" "+rt.path] {
					t.Errorf("route %s %s has no authorization case", rt.method, rt.path)
				}
			}
			for _, c := range cases {
				t.Run(c.method+" "+c.path, func(t *testing.T) {
					for _, who := range principals {
						id := w.ids[who]
						if id == nil {
							t.Fatalf("no identity %s", who)
						}
						if c.path == "/api/v1/auth/logout" && id.session != "" {
							// Log out a throwaway session, not the one the matrix uses.
							s, err := w.app.Login(ctx, w.emailOf(who), testPassword)
							if err != nil {
								t.Fatal(err)
							}
							id = &identity{name: who, session: s.Token}
						}
						url := c.path
						if c.url != nil {
							url = c.url(w)
						}
						var body any
						if c.body != nil {
							body = c.body(w, who)
						}
						status, raw := w.request(id, c.method, url, body)
						if want := c.want[who]; !want.matches(status) {
							t.Errorf("%s: got %d (%s), want %s", who, status, short(raw), want)
						}
					}
				})
			}
		})
	}
}

// itemReview: reviewers act; other staff and the parties see the item but
// may not; everyone else does not see it.
func itemReview() map[string]outcome {
	return expect(hidden, "admin reviewer", allow, "investigator liaison aOwner aMember seller", denied)
}

// leadTriage: investigators (and admins) triage a lead sent to A; reviewers
// and A see it but may not; everyone else does not see it.
func leadTriage() map[string]outcome {
	return expect(hidden, "admin investigator", allow, "reviewer aOwner aMember", denied)
}

// itemAct: the acting parties act; the other party and staff see the item
// but may not; everyone else does not see it.
func itemAct(acting, otherParty string) map[string]outcome {
	return expect(hidden, acting, allow, otherParty+" admin reviewer investigator liaison", denied)
}

func (w *world) emailOf(who string) string {
	switch who {
	case "aOwner":
		return "a-owner@test.example"
	case "bOwner":
		return "b-owner@test.example"
	case "agent":
		return "agent@test.example"
	}
	return who + "@test.example"
}

func short(b []byte) string {
	s := string(b)
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return strings.TrimSpace(fmt.Sprint(s))
}
