package synth

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Seller roles, recorded in seller_annotations.ndjson.
const (
	RoleAuthorised = "authorised" // an authorised reseller of one brand
	RoleRegular    = "regular"    // an established ordinary seller
	RoleNew        = "new"        // an account registered shortly before the listings
	RoleInfringer  = "infringer"  // a repeat infringer with prior strikes, often in a network
)

// place is a ship-from location.
type place struct {
	country, region, city string
}

// Places. Counterfeit hubs are over-represented among infringers, as the
// offline-origin analysis expects.
var (
	cnPlaces = []place{
		{"CN", "440300", "深圳"}, {"CN", "440100", "广州"}, {"CN", "330100", "杭州"}, {"CN", "310000", "上海"},
		{"CN", "110000", "北京"}, {"CN", "320500", "苏州"}, {"CN", "510100", "成都"}, {"CN", "420100", "武汉"},
		{"CN", "330782", "义乌"}, {"CN", "370200", "青岛"},
	}
	hubPlaces = []place{
		{"CN", "350300", "莆田"}, {"CN", "441900", "东莞"}, {"CN", "350500", "泉州"}, {"CN", "440100", "广州"},
		{"CN", "330300", "温州"},
	}
	usPlaces = []place{{"US", "US-CA", "Los Angeles"}, {"US", "US-NY", "New York"}, {"US", "US-TX", "Houston"}}
)

// seller is a marketplace seller of the synthetic world.
type seller struct {
	id, name   string
	place      place
	registered time.Time
	role       string
	strikes    int
	network    string // shared-identifier network id, "" when none
	brand      int    // authorised brand index, -1 otherwise
	ids        identifiers
}

// identifiers are deliberately invalid as real data: phone numbers in the
// unassigned +86 100 range, id numbers and bank accounts prefixed SYN,
// addresses on 合成路 ("synthetic road").
type identifiers struct {
	Phone       string `json:"phone"`
	IDNumber    string `json:"id_number"`
	BankAccount string `json:"bank_account"`
	Address     string `json:"address"`
	Device      string `json:"device"`
}

func makeIdentifiers(r *rand.Rand, n int) identifiers {
	return identifiers{
		Phone:       fmt.Sprintf("+86 100 %04d %04d", n/10000%10000, n%10000),
		IDNumber:    fmt.Sprintf("SYN%015d", r.Int64N(1e15)),
		BankAccount: fmt.Sprintf("SYNBANK %04d %04d %04d", r.IntN(1e4), r.IntN(1e4), n%10000),
		Address:     fmt.Sprintf("合成路 %d 号 %d 室 (synthetic)", 1+r.IntN(999), 100+r.IntN(900)),
		Device:      fmt.Sprintf("syn-dev-%016x", r.Uint64()),
	}
}

// makeSellers creates nAuth authorised sellers per brand and n other
// sellers: 12% repeat infringers (in networks of 2 to 6 accounts sharing a
// phone, bank account or device), 10% new accounts, the rest regular.
func makeSellers(r *rand.Rand, brands []*brand, n int, start time.Time) []*seller {
	var out []*seller
	add := func(s *seller) {
		s.id = fmt.Sprintf("syn-s-%06d", len(out)+1)
		s.ids = makeIdentifiers(r, len(out)+1)
		out = append(out, s)
	}
	for bi, b := range brands {
		for k := range 2 {
			s := &seller{role: RoleAuthorised, brand: bi, place: pick(r, cnPlaces),
				registered: start.AddDate(-3-r.IntN(6), -r.IntN(12), -r.IntN(28))}
			if k == 0 {
				s.name = b.zh() + "官方旗舰店 (synthetic)"
			} else {
				s.name = b.latin + " Authorized Store (synthetic)"
				if r.IntN(2) == 0 {
					s.place = pick(r, usPlaces)
				}
			}
			add(s)
			b.sellers = append(b.sellers, len(out)-1)
		}
	}
	var network *seller // first member of the network being built
	left := 0
	for i := range n {
		s := &seller{brand: -1, name: fmt.Sprintf("示例店铺 Sample Shop %05d", i+1)}
		switch u := r.Float64(); {
		case u < 0.12:
			s.role = RoleInfringer
			s.place = pick(r, hubPlaces)
			s.strikes = 1 + r.IntN(5)
			s.registered = start.AddDate(0, -2-r.IntN(30), -r.IntN(28))
		case u < 0.22:
			s.role = RoleNew
			s.place = pick(r, cnPlaces)
			if r.IntN(2) == 0 {
				s.place = pick(r, hubPlaces)
			}
			s.registered = start.Add(-time.Duration(1+r.IntN(20*24)) * time.Hour)
		default:
			s.role = RoleRegular
			s.place = pick(r, cnPlaces)
			if r.IntN(8) == 0 {
				s.place = pick(r, usPlaces)
			}
			s.registered = start.AddDate(-1-r.IntN(8), -r.IntN(12), -r.IntN(28))
		}
		add(s)
		if s.role != RoleInfringer {
			continue
		}
		if left == 0 {
			network, left = s, 1+r.IntN(6)
			if left > 1 {
				s.network = fmt.Sprintf("syn-net-%04d", i+1)
			}
		} else {
			s.network = network.network
			// Share one or two identifiers with the network's first account.
			switch r.IntN(3) {
			case 0:
				s.ids.Phone = network.ids.Phone
			case 1:
				s.ids.BankAccount = network.ids.BankAccount
			default:
				s.ids.Device, s.ids.Address = network.ids.Device, network.ids.Address
			}
		}
		left--
	}
	return out
}
