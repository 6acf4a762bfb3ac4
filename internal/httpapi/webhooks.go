package httpapi

import (
	"net/http"
	"strconv"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/store"
)

type (
	webhookRequest struct {
		URL         string   `json:"url"`
		Topics      []string `json:"topics"`
		Description string   `json:"description,omitempty"`
	}
	webhookPatch struct {
		URL         *string  `json:"url,omitempty"`
		Topics      []string `json:"topics,omitempty"`
		Description *string  `json:"description,omitempty"`
		Enabled     *bool    `json:"enabled,omitempty"`
	}
	countResponse struct {
		Count int `json:"count"`
	}
	secretResponse struct {
		Secret string `json:"secret"`
	}
	webhookCreated struct {
		Endpoint store.WebhookEndpoint `json:"endpoint"`
		// Secret signs every delivery (Standard Webhooks); it is shown once.
		Secret string `json:"secret"`
	}
)

// registerWebhooks adds the delivery routes: webhook endpoints with their
// delivery log and dead letters (admin), and the actions pull feed.
func (s *Server) registerWebhooks() {
	a := s.app
	jsonRoute(s, "POST", "/api/v1/webhooks", authenticated, "Register a webhook endpoint (admin); the signing secret is shown once", http.StatusCreated,
		func(r *http.Request, p auth.Principal, in webhookRequest) (webhookCreated, error) {
			e, secret, err := a.CreateWebhook(r.Context(), p, app.WebhookInput{URL: in.URL, Topics: in.Topics, Description: in.Description})
			return webhookCreated{Endpoint: e, Secret: secret}, err
		})
	getRoute(s, "GET", "/api/v1/webhooks", authenticated, "List webhook endpoints (admin)", []string{"limit", "cursor"},
		func(r *http.Request, p auth.Principal) (List[store.WebhookEndpoint], error) {
			pg, err := page(r)
			if err != nil {
				return List[store.WebhookEndpoint]{}, err
			}
			items, next, err := a.Webhooks(r.Context(), p, pg)
			return list(items, next), err
		})
	getRoute(s, "GET", "/api/v1/webhooks/{id}/deliveries", authenticated, "An endpoint's delivery log with every attempt; ?state=dead lists the dead letters (admin)",
		[]string{"state", "limit", "cursor"},
		func(r *http.Request, p auth.Principal) (List[store.WebhookDelivery], error) {
			pg, err := page(r)
			if err != nil {
				return List[store.WebhookDelivery]{}, err
			}
			items, next, err := a.Deliveries(r.Context(), p, r.PathValue("id"), store.DeliveryState(r.URL.Query().Get("state")), pg)
			return list(items, next), err
		})
	jsonRoute(s, "PATCH", "/api/v1/webhooks/{id}", authenticated, "Edit, pause (enabled=false) or re-enable an endpoint (admin)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in webhookPatch) (store.WebhookEndpoint, error) {
			return a.UpdateWebhook(r.Context(), p, r.PathValue("id"), app.WebhookChange{URL: in.URL, Topics: in.Topics, Description: in.Description, Enabled: in.Enabled})
		})
	s.add(route{method: "DELETE", path: "/api/v1/webhooks/{id}", summary: "Delete an endpoint; its open deliveries become dead letters (admin)", response: countResponse{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			n, err := a.DeleteWebhook(r.Context(), p, r.PathValue("id"))
			return respond(w, countResponse{Count: n}, err)
		}})
	s.add(route{method: "POST", path: "/api/v1/webhooks/{id}/rotate-secret", summary: "Replace the signing secret (shown once) (admin)", response: secretResponse{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			secret, err := a.RotateWebhookSecret(r.Context(), p, r.PathValue("id"))
			return respond(w, secretResponse{Secret: secret}, err)
		}})
	s.add(route{method: "POST", path: "/api/v1/webhooks/{id}/redeliver-dead", summary: "Requeue every dead letter of an endpoint (admin)", response: countResponse{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			n, err := a.RedeliverDead(r.Context(), p, r.PathValue("id"))
			return respond(w, countResponse{Count: n}, err)
		}})
	s.add(route{method: "POST", path: "/api/v1/deliveries/{id}/redeliver", summary: "Send a dead letter again (admin)", response: store.WebhookDelivery{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			d, err := a.Redeliver(r.Context(), p, r.PathValue("id"), s.wake)
			return respond(w, d, err)
		}})
	getRoute(s, "GET", "/api/v1/actions", authenticated, "The enforcement actions in publication order after ?after=CURSOR (the marketplace's pull feed; each action's id is its idempotency key)",
		[]string{"after", "limit"},
		func(r *http.Request, p auth.Principal) (app.ActionFeed, error) {
			n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			return a.Actions(r.Context(), p, r.URL.Query().Get("after"), n)
		})
}
