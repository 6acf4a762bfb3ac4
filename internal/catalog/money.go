package catalog

import (
	"errors"
	"strconv"
	"strings"
)

// Amount is an exact, non-negative decimal amount of money in
// ten-thousandths of the currency's major unit (1 CNY = 10000). No float is
// ever involved: amounts are parsed from and printed to decimal strings.
type Amount int64

// AmountScale is the number of Amount units in one major unit.
const AmountScale = 10000

// MaxAmount is the largest price dajia accepts: 10^9 major units. Anything
// above it is a placeholder or a data error, not a price.
const MaxAmount Amount = 1_000_000_000 * AmountScale

// amountDigits is the number of decimal places an Amount keeps.
const amountDigits = 4

// ParseAmount reads a decimal amount such as "199", "199.5" or "0.0099":
// digits, optionally a point and at most four more digits. Signs, exponents,
// spaces and thousands separators are refused, as are negative amounts and
// amounts above MaxAmount.
func ParseAmount(s string) (Amount, error) {
	if s == "" {
		return 0, errors.New("is required, as a decimal string such as \"199.00\"")
	}
	if s[0] == '-' {
		return 0, errors.New("must not be negative")
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || hasPoint && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, errors.New("must be a decimal number such as \"199.00\" (digits, one point, no sign, exponent or separators)")
	}
	if len(frac) > amountDigits {
		return 0, errors.New("has more than 4 decimal places")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 10 { // quick reject before the overflow-safe parse below
		return 0, errors.New("must be at most 1000000000")
	}
	var v int64
	for _, c := range whole {
		v = v*10 + int64(c-'0')
	}
	v *= AmountScale
	scale := int64(AmountScale)
	for _, c := range frac {
		scale /= 10
		v += int64(c-'0') * scale
	}
	if Amount(v) > MaxAmount {
		return 0, errors.New("must be at most 1000000000")
	}
	return Amount(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Decimal prints the amount with at least minDigits decimal places and more
// only when the amount needs them: Decimal(1995000, 2) is "199.50".
func (a Amount) Decimal(minDigits int) string {
	whole := int64(a) / AmountScale
	frac := int64(a) % AmountScale
	digits := strconv.FormatInt(frac+AmountScale, 10)[1:] // four digits, zero-padded
	digits = strings.TrimRight(digits, "0")
	for len(digits) < minDigits && len(digits) < amountDigits {
		digits += "0"
	}
	if digits == "" {
		return strconv.FormatInt(whole, 10)
	}
	return strconv.FormatInt(whole, 10) + "." + digits
}

// Money is an amount in a currency (an ISO 4217 code).
type Money struct {
	Amount   Amount
	Currency string
}

// String renders the canonical amount string, e.g. "199.00" for CNY,
// "1999" for JPY, "12.500" for KWD.
func (m Money) String() string { return m.Amount.Decimal(MinorDigits(m.Currency)) }

// Format renders money for people: the currency code, then the amount with
// thousands grouped, e.g. "CNY 1,999.00".
func (m Money) Format() string {
	s := m.String()
	whole, frac, hasPoint := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(m.Currency)
	b.WriteByte(' ')
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasPoint {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// ValidCurrency reports whether c has the shape of an ISO 4217 alphabetic
// code: three upper-case letters. dajia does not keep the list of active
// codes (it changes, and refusing a marketplace's real code would lose the
// listing); the shape catches the mistakes that matter ("RMB", "¥", "cny").
func ValidCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// MinorDigits is the number of decimal places of a currency's minor unit
// (ISO 4217): 2 unless listed here.
func MinorDigits(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	case "CLF", "UYW":
		return 4
	}
	return 2
}
