package auth

import (
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/registry"
)

func TestPasswordHashing(t *testing.T) {
	p := PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	h := HashPassword("correct horse battery", p)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("got %q, want a PHC argon2id string", h)
	}
	if h == HashPassword("correct horse battery", p) {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		ok, err := VerifyPassword(tt.pw, h)
		if err != nil || ok != tt.want {
			t.Errorf("VerifyPassword(%q) = %v %v, want %v", tt.pw, ok, err, tt.want)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if _, err := VerifyPassword("x", bad); err == nil {
			t.Errorf("VerifyPassword accepted malformed hash %q", bad)
		}
	}
	if CheckPasswordStrength("short") == nil || CheckPasswordStrength("long enough password") != nil {
		t.Error("password strength rule is wrong")
	}
}

func TestAPIKeyFormat(t *testing.T) {
	secret, hash := NewToken()
	if hash != HashToken(secret) || len(secret) < 40 || strings.Contains(hash, secret) {
		t.Fatalf("token %q hash %q", secret, hash)
	}
	key := FormatAPIKey("key_01abc", secret)
	id, s, ok := ParseAPIKey(key)
	if !ok || id != "key_01abc" || s != secret {
		t.Fatalf("round trip: got %q %q %v", id, s, ok)
	}
	for _, bad := range []string{"", "key_01abc." + secret, "dajia_key_01abc", "dajia_.secretsecretsecretsecretsecretsecret", "dajia_key_1.short"} {
		if _, _, ok := ParseAPIKey(bad); ok {
			t.Errorf("ParseAPIKey(%q) accepted", bad)
		}
	}
}

func TestRolesPerOrganisationKind(t *testing.T) {
	for _, tt := range []struct {
		role Role
		kind registry.OrgKind
		want bool
	}{
		{RoleAdmin, registry.KindPlatform, true},
		{RoleAdmin, registry.KindRightsHolder, false},
		{RoleVolunteer, registry.KindSeller, false},
		{RoleOwner, registry.KindSeller, true},
		{RoleMember, registry.KindPlatform, true},
		{"wizard", registry.KindPlatform, false},
	} {
		if got := tt.role.ValidFor(tt.kind); got != tt.want {
			t.Errorf("%s for %s: got %v, want %v", tt.role, tt.kind, got, tt.want)
		}
	}
}

func TestSuspendedOrganisationIsReadOnly(t *testing.T) {
	p := Principal{UserID: "usr_1", OrgID: "org_1", OrgKind: registry.KindRightsHolder, OrgState: registry.OrgSuspended, Role: RoleOwner}
	if err := Check(p, RightRead, Resource{Kind: KindRight, OrgID: "org_1"}); err != nil {
		t.Errorf("read: got %v, want allowed", err)
	}
	if err := Check(p, RightCreate, Resource{Kind: KindRight}); err == nil || !strings.Contains(err.Error(), "suspended") {
		t.Errorf("write: got %v, want refused because suspended", err)
	}
}
