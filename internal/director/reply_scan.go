package director

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a reply token.
type tokKind int

const (
	tWord  tokKind = iota // lowercase letters, apostrophes dropped ("let's" → "lets")
	tNum                  // ASCII digits, optionally with an ordinal suffix ("3rd")
	tPunct                // one of - , : & + / # (dashes normalised to "-")
	tSym                  // a symbol such as an emoji
)

// token is one unit of a reply, with its byte span in the reply so the
// parser can cut command words out and keep the user's own wording.
type token struct {
	kind       tokKind
	text       string
	num        int // value of a tNum; bigNum when it does not fit
	start, end int
}

// bigNum stands for any number too long to matter; it is out of every range.
const bigNum = 1 << 30

// scan splits a reply into tokens. Spaces and punctuation not listed for
// tPunct only separate tokens; variation selectors, joiners and skin-tone
// modifiers are dropped so "👍🏽" is the same as "👍".
func scan(text string) []token {
	var toks []token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r >= '0' && r <= '9':
			t := scanNumber(text, i)
			toks = append(toks, t)
			i = t.end
		case isWordRune(r):
			t := scanWord(text, i)
			toks = append(toks, t)
			i = t.end
		case strings.ContainsRune("-–—,:&+/#", r):
			p := string(r)
			if r == '–' || r == '—' {
				p = "-"
			}
			toks = append(toks, token{kind: tPunct, text: p, start: i, end: i + size})
			i += size
		case isSymbol(r):
			toks = append(toks, token{kind: tSym, text: string(r), start: i, end: i + size})
			i += size
		default:
			i += size
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || (unicode.IsDigit(r) && r > 0x7f)
}

func isSymbol(r rune) bool {
	if r >= 0x1F3FB && r <= 0x1F3FF { // skin tones modify the emoji before them
		return false
	}
	return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r)
}

// scanWord reads letters with inner apostrophes, lowercased.
func scanWord(text string, i int) token {
	var b strings.Builder
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) {
			b.WriteString(strings.ToLower(string(r)))
		} else if (r == '\'' || r == '’') && j > i && j+size < len(text) {
			next, _ := utf8.DecodeRuneInString(text[j+size:])
			if !isWordRune(next) {
				break
			}
		} else {
			break
		}
		j += size
	}
	return token{kind: tWord, text: b.String(), start: i, end: j}
}

// scanNumber reads ASCII digits and an ordinal suffix if one follows.
func scanNumber(text string, i int) token {
	j := i
	n := 0
	for j < len(text) && text[j] >= '0' && text[j] <= '9' {
		if n < bigNum {
			n = n*10 + int(text[j]-'0')
		}
		j++
	}
	if n > bigNum {
		n = bigNum
	}
	t := token{kind: tNum, text: text[i:j], num: n, start: i}
	if j+2 <= len(text) {
		switch strings.ToLower(text[j : j+2]) {
		case "st", "nd", "rd", "th":
			if next, _ := utf8.DecodeRuneInString(text[j+2:]); j+2 == len(text) || !isWordRune(next) {
				j += 2
			}
		}
	}
	t.end = j
	if rest := text[j:]; t.end-t.start == len(t.text) && (strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s")) {
		// "frame 3's hat": the possessive belongs to the number.
		size := len(rest) - len(strings.TrimLeft(rest, "'’"))
		if k := j + size + 1; k == len(text) || !startsWord(text[k:]) {
			t.end = k
		}
	}
	return t
}

func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}

// numberWord maps spelled-out numbers and ordinals up to six.
func numberWord(w string) int {
	switch w {
	case "one", "first":
		return 1
	case "two", "second":
		return 2
	case "three", "third":
		return 3
	case "four", "fourth":
		return 4
	case "five", "fifth":
		return 5
	case "six", "sixth":
		return 6
	}
	return 0
}

// numberAt reads a number at toks[i]: digits always, words only when
// words is set (so "redo one" is not read as a frame number).
func numberAt(toks []token, i int, words bool) (int, bool) {
	if i >= len(toks) {
		return 0, false
	}
	switch t := toks[i]; {
	case t.kind == tNum:
		return t.num, true
	case t.kind == tWord && words && numberWord(t.text) > 0:
		return numberWord(t.text), true
	}
	return 0, false
}

// numList is a parsed list like "2, 4 and 6" or "1-3".
type numList struct {
	nums   []int
	end    int  // index after the list
	hasBad bool // a number outside 1..6 was given
	bad    int  // the first such number
}

// parseList reads items ("N" or "N-M", "N to M") joined by separators
// ("," "and" "&" "+" "/" "or"), starting at toks[i].
func parseList(toks []token, i int, words bool) (numList, bool) {
	var l numList
	for {
		a, ok := numberAt(toks, i, words)
		if !ok {
			return l, len(l.nums) > 0 || l.hasBad
		}
		b, next := a, i+1
		if next+1 < len(toks) && isRangeWord(toks[next]) {
			if v, ok := numberAt(toks, next+1, words); ok {
				b, next = v, next+2
			}
		}
		l.add(a, b)
		l.end = next
		i = skipSeparators(toks, next)
		if i == next {
			return l, true
		}
	}
}

func (l *numList) add(a, b int) {
	if a > b {
		a, b = b, a
	}
	if a < 1 || b > 6 {
		if !l.hasBad {
			l.hasBad, l.bad = true, b
			if a < 1 {
				l.bad = a
			}
		}
		return
	}
	for n := a; n <= b; n++ {
		l.nums = append(l.nums, n)
	}
}

func isRangeWord(t token) bool {
	return (t.kind == tPunct && t.text == "-") || (t.kind == tWord && (t.text == "to" || t.text == "through" || t.text == "thru" || t.text == "till" || t.text == "until"))
}

// skipSeparators returns the index after a list separator at toks[i], or i.
func skipSeparators(toks []token, i int) int {
	j := i
	for j < len(toks) {
		t := toks[j]
		if (t.kind == tPunct && strings.Contains(",&+/", t.text)) || (t.kind == tWord && (t.text == "and" || t.text == "or")) {
			j++
			continue
		}
		break
	}
	return j
}

// isOrdinal reports whether t is "3rd" or "third" rather than "3" or "three".
func isOrdinal(t token) bool {
	switch t.kind {
	case tNum:
		return t.end-t.start > len(t.text)
	case tWord:
		return numberWord(t.text) > 0 && !slices.Contains([]string{"one", "two", "three", "four", "five", "six"}, t.text)
	}
	return false
}
