// Package mail sends e-mail through an SMTP server: dajia's inbox messages
// go to each organisation's contact address when an SMTP server is
// configured. It is an adapter over net/smtp.
package mail

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Sender sends messages through one SMTP server.
type Sender struct {
	addr string
	host string
	from string
	auth smtp.Auth
}

// Parse reads an SMTP URL: smtp://[user:password@]host:port?from=dajia@example.com.
// With credentials, PLAIN authentication is used (net/smtp only sends it
// over TLS or to localhost).
func Parse(raw string) (*Sender, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, errors.New("SMTP URL must look like smtp://user:password@host:587?from=dajia@example.com")
	}
	host, _, err := net.SplitHostPort(u.Host)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: give host:port (%v)", err)
	}
	from := u.Query().Get("from")
	if !strings.Contains(from, "@") {
		return nil, errors.New("SMTP URL: add ?from=address@example.com (the sender address)")
	}
	s := &Sender{addr: u.Host, host: host, from: from}
	if u.User != nil {
		pw, _ := u.User.Password()
		s.auth = smtp.PlainAuth("", u.User.Username(), pw, host)
	}
	return s, nil
}

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Body    string // plain text, UTF-8
}

// Send delivers m (STARTTLS is used when the server offers it).
func (s *Sender) Send(m Message, now time.Time) error {
	if strings.ContainsAny(m.To, "\r\n") || !strings.Contains(m.To, "@") {
		return fmt.Errorf("bad recipient %q", m.To)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n", s.from, m.To,
		mime.QEncoding.Encode("utf-8", m.Subject), now.UTC().Format(time.RFC1123Z))
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
	if err := smtp.SendMail(s.addr, s.auth, s.from, []string{m.To}, []byte(b.String())); err != nil {
		return fmt.Errorf("send mail to %s: %w", m.To, err)
	}
	return nil
}
