package app

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/mail"
)

// Mailer sends one message.
type Mailer interface {
	Send(m mail.Message, now time.Time) error
}

// MailInbox e-mails inbox messages not yet sent to their organisation's
// contact address, in both languages; a message whose organisation has no
// address is marked so and skipped. It returns how many it sent. A message
// is marked sent only after the server accepted it, so a crash may send one
// twice but never loses one.
func (a *App) MailInbox(ctx context.Context, m Mailer, limit int) (int, error) {
	msgs, err := a.db.UnmailedMessages(ctx, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range msgs {
		org, err := a.db.Org(ctx, d.OrgID)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return sent, err
		}
		if err != nil || org.Contact.Email == "" {
			if err := a.db.MarkEmailed(ctx, d.ID, time.Time{}); err != nil {
				return sent, err
			}
			continue
		}
		var msg Message
		if err := json.Unmarshal(d.Doc, &msg); err != nil {
			return sent, err
		}
		body := msg.BodyZH + "\n\n—\n\n" + msg.BodyEN + "\n"
		if err := m.Send(mail.Message{To: org.Contact.Email, Subject: msg.SubjectZH + " / " + msg.SubjectEN, Body: body}, a.Now()); err != nil {
			return sent, err
		}
		if err := a.db.MarkEmailed(ctx, d.ID, a.Now()); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// RunMailer e-mails new inbox messages every interval until ctx ends.
func (a *App) RunMailer(ctx context.Context, m Mailer, interval time.Duration) {
	for {
		if _, err := a.MailInbox(ctx, m, 100); err != nil && ctx.Err() == nil {
			a.log.Warn("e-mail inbox messages", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
