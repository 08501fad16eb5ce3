package dist

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
	a := strings.TrimSpace(stripComments(p))
	if !strings.Contains(a, "@") {
		// Python's parser reads a bare word as the address and drops the
		// rest ("Jane Doe" -> "Jane"), and PyPI quotes that.
		if f := strings.Fields(a); len(f) > 0 {
			return f[0]
		}
	}
	return a
}

// specialUseDomains are names (RFC 6761 and kin) that email-validator, which
// PyPI uses, refuses even without deliverability checks.
var specialUseDomains = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

// validateEmail checks one addr-spec roughly as the email-validator
// package (which PyPI uses, without deliverability checks) does: one
// '@', a dot-atom local part, and a domain name with a dot that is not
// special-use. Internationalized addresses are accepted, as there. The
// messages follow email-validator's.
func validateEmail(addr string) error {
	if strings.Count(addr, "@") != 1 {
		return errors.New("The email address is not valid. It must have exactly one @-sign.")
	}
	local, domain, _ := strings.Cut(addr, "@")
	// Python's address parser drops white space between the domain's atoms.
	domain = strings.Join(strings.Fields(domain), "")
	if local == "" {
		return errors.New("There must be something before the @-sign.")
	}
	if domain == "" {
		return errors.New("There must be something after the @-sign.")
	}
	for i, r := range local {
		bad := false
		switch {
		case r == '.':
			bad = i == 0 || i == len(local)-1 || strings.HasPrefix(local[i+1:], ".")
		case r < 0x80:
			bad = !isAtext(byte(r))
		default:
			bad = !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsSymbol(r) || unicode.IsPunct(r))
		}
		if bad {
			return errors.New("The email address contains invalid characters before the @-sign: " + charName(r) + ".")
		}
	}
	if n := utf8.RuneCountInString(local); n > 64 {
		return fmt.Errorf("The email address is too long before the @-sign (%d character%s too many).", n-64, plural(n-64))
	}
	d := strings.ToLower(domain)
	switch {
	case strings.HasPrefix(d, "."):
		return errors.New("An email address cannot have a period immediately after the @-sign.")
	case strings.HasSuffix(d, "."):
		return errors.New("An email address cannot end with a period.")
	case strings.Contains(d, ".."):
		return errors.New("An email address cannot have two periods in a row.")
	}
	if len(d) > 253 {
		return errors.New("The email address is too long after the @-sign.")
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if len(l) > 63 {
			return fmt.Errorf("The domain name %s contains invalid characters (Label too long).", domain)
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return fmt.Errorf("The domain name %s contains invalid characters (Label must not start or end with a hyphen).", domain)
		}
		for _, r := range l {
			if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') ||
				r >= 0x80 && !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
				return fmt.Errorf("The domain name %s contains invalid characters (%s not allowed).", domain, pyRepr(string(r)))
			}
		}
	}
	if len(labels) < 2 {
		return fmt.Errorf("The domain name %s is not valid. It should have a period.", domain)
	}
	if tld := labels[len(labels)-1]; tld[0] >= '0' && tld[0] <= '9' {
		return fmt.Errorf("The domain name %s is not valid. It is not within a valid top-level domain.", domain)
	}
	for _, s := range specialUseDomains {
		if d == s || strings.HasSuffix(d, "."+s) {
			return fmt.Errorf("The domain name %s is a special-use or reserved name that cannot be used with email.", domain)
		}
	}
	return nil
}

// charName names a character the way email-validator does in messages
// (its Unicode name) for the characters people actually mistype.
func charName(r rune) string {
	switch r {
	case ' ':
		return "SPACE"
	case '.':
		return "FULL STOP"
	case ',':
		return "COMMA"
	case '"':
		return "QUOTATION MARK"
	case '(':
		return "LEFT PARENTHESIS"
	case ')':
		return "RIGHT PARENTHESIS"
	case ':':
		return "COLON"
	case ';':
		return "SEMICOLON"
	case '<':
		return "LESS-THAN SIGN"
	case '>':
		return "GREATER-THAN SIGN"
	case '[':
		return "LEFT SQUARE BRACKET"
	case ']':
		return "RIGHT SQUARE BRACKET"
	case '\\':
		return "REVERSE SOLIDUS"
	}
	return pyRepr(string(r))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
