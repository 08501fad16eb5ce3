package dist

import (
	"errors"
	"strings"
	"unicode"
)

// splitAddressList splits an Author-email / Maintainer-email value, an
// RFC 5322 address list such as `"Doe, Jane" <jane@example.org>, x@y.z`,
// into its bare addresses. It splits at commas outside quotes, angle
// brackets and comments, takes the part in angle brackets when there is
// one, and drops comments and empty entries.
func splitAddressList(v string) []string {
	var parts []string
	var cur strings.Builder
	quoted, angle, comment := false, false, 0
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case ch == '\\' && (quoted || comment > 0) && i+1 < len(v):
			cur.WriteByte(ch)
			i++
			ch = v[i]
		case quoted:
			quoted = ch != '"'
		case comment > 0:
			if ch == '(' {
				comment++
			} else if ch == ')' {
				comment--
			}
		case ch == '"':
			quoted = true
		case ch == '(':
			comment++
		case ch == '<':
			angle = true
		case ch == '>':
			angle = false
		case ch == ',' && !angle:
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(ch)
	}
	parts = append(parts, cur.String())

	var addrs []string
	for _, p := range parts {
		if a := bareAddress(p); a != "" {
			addrs = append(addrs, a)
		}
	}
	return addrs
}

// bareAddress returns the addr-spec of one mailbox: the text in angle
// brackets when present, else the mailbox without comments.
func bareAddress(p string) string {
	if i := strings.LastIndexByte(p, '<'); i >= 0 {
		rest := p[i+1:]
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			return strings.TrimSpace(rest[:j])
		}
		return strings.TrimSpace(rest)
	}
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case quoted:
			quoted = ch != '"'
		case ch == '"' && depth == 0:
			quoted = true
		case ch == '(':
			depth++
			continue
		case ch == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(ch)
		}
	}
	return strings.TrimSpace(b.String())
}

// specialUseDomains are names (RFC 6761 and kin) that email-validator, which
// PyPI uses, refuses even without deliverability checks.
var specialUseDomains = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

// validateEmail checks one addr-spec roughly as the email-validator
// package (which PyPI uses, without deliverability checks) does: one
// '@', a dot-atom local part, and a domain name with a dot that is not
// special-use. Internationalized addresses are accepted, as there.
func validateEmail(addr string) error {
	if strings.Count(addr, "@") != 1 {
		return errors.New("The email address is not valid. It must have exactly one @-sign.")
	}
	local, domain, _ := strings.Cut(addr, "@")
	if local == "" {
		return errors.New("There must be something before the @-sign.")
	}
	if domain == "" {
		return errors.New("There must be something after the @-sign.")
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return errors.New("The email address is not valid. A period may not start or end the part before the @-sign, or appear twice in a row.")
	}
	for _, r := range local {
		if r < 0x80 && !isAtext(byte(r)) && r != '.' {
			return errors.New("The email address contains invalid characters before the @-sign: " + pyRepr(string(r)) + ".")
		}
		if r >= 0x80 && !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsSymbol(r) || unicode.IsPunct(r)) {
			return errors.New("The email address contains invalid characters before the @-sign.")
		}
	}
	if len(local) > 64 {
		return errors.New("The email address is too long before the @-sign.")
	}
	if strings.HasPrefix(domain, "[") {
		return errors.New("A bracketed IP address after the @-sign is not allowed here.")
	}
	d := strings.ToLower(domain)
	if len(d) > 253 {
		return errors.New("The email address is too long after the @-sign.")
	}
	if !strings.Contains(d, ".") {
		return errors.New("The part after the @-sign is not valid. It should have a period.")
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if l == "" {
			return errors.New("An empty label (two periods in a row, or a period at either end) is not allowed after the @-sign.")
		}
		if len(l) > 63 {
			return errors.New("A label after the @-sign is longer than 63 characters.")
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return errors.New("A label after the @-sign may not start or end with a hyphen.")
		}
		for _, r := range l {
			if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return errors.New("The part after the @-sign contains invalid characters: " + pyRepr(string(r)) + ".")
			}
			if r >= 0x80 && !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
				return errors.New("The part after the @-sign contains invalid characters.")
			}
		}
	}
	tld := labels[len(labels)-1]
	if tld[0] >= '0' && tld[0] <= '9' {
		return errors.New("The part after the @-sign is not valid. It is not within a valid top-level domain.")
	}
	for _, s := range specialUseDomains {
		if d == s || strings.HasSuffix(d, "."+s) {
			return errors.New("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
		}
	}
	return nil
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
