package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
)

// WebhookInput is a webhook endpoint to create.
type WebhookInput struct {
	URL         string
	Topics      []string
	Description string
}

// CreateWebhook registers a receiver of outbox messages (the marketplace's
// integration); the signing secret is returned once.
func (a *App) CreateWebhook(ctx context.Context, p auth.Principal, in WebhookInput) (store.WebhookEndpoint, string, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	now := a.Now()
	e, secret, err := deliver.NewEndpoint(p.OrgID, in.URL, in.Topics, in.Description, now)
	if err != nil {
		return e, "", err
	}
	err = a.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertWebhookEndpoint(ctx, e, secret); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "webhook.create", objectType: "webhook_endpoint", objectID: e.ID, orgID: e.OrgID, after: e})
	})
	return e, secret, err
}

// Webhooks lists the webhook endpoints.
func (a *App) Webhooks(ctx context.Context, p auth.Principal, page store.Page) ([]store.WebhookEndpoint, string, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return nil, "", err
	}
	return a.db.WebhookEndpoints(ctx, "", page)
}

// Deliveries lists an endpoint's deliveries with their attempts, for the
// delivery log and the dead letters (state=dead).
func (a *App) Deliveries(ctx context.Context, p auth.Principal, endpointID string, state store.DeliveryState, page store.Page) ([]store.WebhookDelivery, string, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return nil, "", err
	}
	if _, err := a.db.WebhookEndpoint(ctx, endpointID); err != nil {
		return nil, "", err
	}
	return a.db.WebhookDeliveries(ctx, store.DeliveryFilter{EndpointID: endpointID, State: state, History: true}, page)
}

// Redeliver makes a dead delivery pending again (audited); wake is called
// after the commit to nudge the dispatcher.
func (a *App) Redeliver(ctx context.Context, p auth.Principal, deliveryID string, wake func()) (store.WebhookDelivery, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return store.WebhookDelivery{}, err
	}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		if wake != nil {
			tx.AfterCommit(wake)
		}
		if err := tx.RedeliverWebhook(ctx, deliveryID, now); err != nil {
			if errors.Is(err, fault.ErrNotFound) {
				return err
			}
			return fault.New(fault.ErrState, "delivery %s cannot be redelivered: %v", deliveryID, err)
		}
		return a.record(ctx, tx, p, now, change{action: "webhook.redeliver", objectType: "webhook_delivery", objectID: deliveryID, orgID: p.OrgID})
	})
	if err != nil {
		return store.WebhookDelivery{}, err
	}
	return a.db.WebhookDelivery(ctx, deliveryID)
}

// ActionFeed is a page of the enforcement actions feed.
type ActionFeed struct {
	// Actions are byte for byte the webhook bodies (Action JSON).
	Actions []json.RawMessage `json:"actions"`
	// Next is the cursor for the following page; poll with it.
	Next string `json:"next"`
	More bool   `json:"more"`
}

// Actions reads the enforcement actions in publication order after a
// cursor: the marketplace's pull feed (the same JSON as the webhooks).
func (a *App) Actions(ctx context.Context, p auth.Principal, after string, limit int) (ActionFeed, error) {
	if err := auth.Check(p, auth.ActionsRead, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return ActionFeed{}, err
	}
	page, err := a.db.Actions(ctx, after, limit)
	if err != nil {
		return ActionFeed{}, err
	}
	out := ActionFeed{Actions: make([]json.RawMessage, 0, len(page.Items)), Next: page.Next, More: page.More}
	for _, it := range page.Items {
		if !json.Valid(it.Payload) {
			return out, fmt.Errorf("action %s: stored payload is not JSON", it.ID)
		}
		out.Actions = append(out.Actions, it.Payload)
	}
	return out, nil
}

// WebhookChange edits an endpoint; nil fields stay as they are.
type WebhookChange struct {
	URL         *string
	Topics      []string
	Description *string
	Enabled     *bool
}

// UpdateWebhook edits, pauses or re-enables an endpoint (admin).
func (a *App) UpdateWebhook(ctx context.Context, p auth.Principal, endpointID string, ch WebhookChange) (store.WebhookEndpoint, error) {
	var e store.WebhookEndpoint
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return e, err
	}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		before, err := tx.WebhookEndpointForUpdate(ctx, endpointID)
		if err != nil {
			return err
		}
		if !before.DeletedAt.IsZero() {
			return fault.New(fault.ErrState, "endpoint %s was deleted", endpointID)
		}
		e = before
		if ch.URL != nil {
			e.URL = *ch.URL
		}
		if ch.Topics != nil {
			e.Topics = ch.Topics
		}
		if ch.Description != nil {
			e.Description = *ch.Description
		}
		if ch.Enabled != nil {
			e.Enabled = *ch.Enabled
			if e.Enabled {
				e.DisabledReason = ""
				if a.wake != nil {
					tx.AfterCommit(a.wake)
				}
			} else {
				e.DisabledReason = "paused by an administrator"
			}
		}
		if err := deliver.Validate(e); err != nil {
			return err
		}
		e.UpdatedAt = now
		if err := tx.UpdateWebhookEndpoint(ctx, e); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "webhook.update", objectType: "webhook_endpoint", objectID: e.ID, orgID: e.OrgID, before: before, after: e})
	})
	return e, err
}

// DeleteWebhook deletes an endpoint; its open deliveries become dead letters.
func (a *App) DeleteWebhook(ctx context.Context, p auth.Principal, endpointID string) (int, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return 0, err
	}
	now := a.Now()
	var dead int
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		e, err := tx.WebhookEndpointForUpdate(ctx, endpointID)
		if err != nil {
			return err
		}
		if dead, err = tx.DeleteWebhookEndpoint(ctx, endpointID, now); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "webhook.delete", objectType: "webhook_endpoint", objectID: e.ID, orgID: e.OrgID, before: e,
			reason: fmt.Sprintf("%d open deliveries dead-lettered", dead)})
	})
	return dead, err
}

// RotateWebhookSecret replaces an endpoint's signing secret; the new one is
// returned once.
func (a *App) RotateWebhookSecret(ctx context.Context, p auth.Principal, endpointID string) (string, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return "", err
	}
	now := a.Now()
	secret := deliver.NewSecret()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		e, err := tx.WebhookEndpointForUpdate(ctx, endpointID)
		if err != nil {
			return err
		}
		if err := tx.SetWebhookSecret(ctx, endpointID, secret, now); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "webhook.rotate_secret", objectType: "webhook_endpoint", objectID: e.ID, orgID: e.OrgID})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RedeliverDead requeues every dead letter of an endpoint.
func (a *App) RedeliverDead(ctx context.Context, p auth.Principal, endpointID string) (int, error) {
	if err := auth.Check(p, auth.WebhookManage, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return 0, err
	}
	now := a.Now()
	var n int
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		e, err := tx.WebhookEndpointForUpdate(ctx, endpointID)
		if err != nil {
			return err
		}
		if n, err = tx.RedeliverDeadWebhooks(ctx, endpointID, now); err != nil {
			return err
		}
		if a.wake != nil {
			tx.AfterCommit(a.wake)
		}
		return a.record(ctx, tx, p, now, change{action: "webhook.redeliver_dead", objectType: "webhook_endpoint", objectID: e.ID, orgID: e.OrgID,
			reason: fmt.Sprintf("%d dead letters requeued", n)})
	})
	return n, err
}
