package mail

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a minimal SMTP server for tests (an e-mail provider cannot
// run here); it records each message's recipient and data.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	var rcpt string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 test")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			rcpt = strings.TrimSpace(line[len("RCPT TO:"):])
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.mail = append(s.mail, rcpt+"\n"+data.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpServer) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mail...)
}

func TestSend(t *testing.T) {
	srv := newSMTPServer(t)
	s, err := Parse("smtp://" + srv.ln.Addr().String() + "?from=dajia@platform.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(Message{To: "ip@brand.example", Subject: "投诉已收到 / Notice received", Body: "第一行\n2nd line"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 || !strings.Contains(got[0], "<ip@brand.example>") || !strings.Contains(got[0], "=?utf-8?q?") ||
		!strings.Contains(got[0], "第一行\r\n2nd line") {
		t.Fatalf("got %q", got)
	}
	if err := s.Send(Message{To: "x@y.example\r\nBcc: evil@example.com", Subject: "s", Body: "b"}, time.Now()); err == nil {
		t.Error("a recipient with a header injection was accepted")
	}
}

func TestParse(t *testing.T) {
	for _, bad := range []string{"", "http://x:25?from=a@b", "smtp://host?from=a@b", "smtp://host:25", "smtp://host:25?from=nobody"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := Parse("smtp://user:secret@mail.example:587?from=dajia@example.com"); err != nil {
		t.Error(err)
	}
}
