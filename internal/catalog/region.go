package catalog

import (
	"strings"

	"github.com/dajia-project/dajia/internal/registry"
)

// cnProvinces are the first two digits of the GB/T 2260 codes of China's
// provinces, autonomous regions, municipalities, Taiwan, Hong Kong and Macao.
var cnProvinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// checkRegion says what is wrong with a region code for a country, or ""
// when it is fine. In China the region is a six-digit GB/T 2260
// administrative division code (440300 is Shenzhen); elsewhere an ISO
// 3166-2 subdivision code of that country ("US-CA", "DE-BY", "GB-LND").
// Both are checked for shape only: the code lists change every year.
func checkRegion(country, region string) string {
	switch {
	case region == "":
		return ""
	case country == "":
		return "needs the country it belongs to"
	case country == "CN":
		if len(region) != 6 || !allDigits(region) || !cnProvinces[region[:2]] {
			return "must be a six-digit GB/T 2260 division code in China, such as 440300"
		}
		return ""
	}
	cc, sub, ok := strings.Cut(region, "-")
	if !ok || cc != country || len(sub) < 1 || len(sub) > 3 || !alnumUpper(sub) {
		return "must be an ISO 3166-2 code of " + country + ", such as " + country + "-XX"
	}
	return ""
}

func alnumUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validMarket reports whether m names a market: an ISO 3166-1 alpha-2
// country or "EU" (the 27 member states, as policy profiles read it).
func validMarket(m string) bool { return m == "EU" || registry.ValidCountry(m) }
