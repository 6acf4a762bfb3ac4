package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/mail"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// recordingMailer stands in for an SMTP server (internal/mail tests the
// real protocol against a local server).
type recordingMailer struct{ sent []mail.Message }

func (r *recordingMailer) Send(m mail.Message, _ time.Time) error {
	r.sent = append(r.sent, m)
	return nil
}

func TestMailInboxSendsEachMessageOnce(t *testing.T) {
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 9, 1, 10, 0, 0, 0, shanghai))
	w.listing("L-1", "CN")
	w.file("cn", "counterfeit", []string{"L-1"}, "cn-ecl")
	m := &recordingMailer{}
	n, err := w.app.MailInbox(bg, m, 100)
	w.must(err)
	// The brand (contact on file) gets its intake summary; the seller
	// organisation synced from the marketplace has no address yet.
	if n != 1 || len(m.sent) != 1 || m.sent[0].To != "aurora@brand.example" || !strings.Contains(m.sent[0].Subject, "投诉已收到") ||
		!strings.Contains(m.sent[0].Body, "Notice") {
		t.Fatalf("sent %d: %+v", n, m.sent)
	}
	if n, err := w.app.MailInbox(bg, m, 100); err != nil || n != 0 {
		t.Fatalf("second run: sent %d %v, want nothing again", n, err)
	}
}
