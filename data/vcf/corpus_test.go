package vcf

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rapport/data"
)

// A corpus of real files written by other programs, with SOURCES.tsv listing
// the facts each one must keep, may sit beside the repository (or where
// RAPPORT_CORPUS says). It is not part of the repository, so the test skips
// where it is absent; the fixtures in testdata cover every quirk without it.
var corpusDir = corpusLocation()

func corpusLocation() string {
	if d := os.Getenv("RAPPORT_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "corpus")
}

type corpusFile struct {
	name, what, facts string
}

func corpusFiles(t *testing.T) []corpusFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "SOURCES.tsv"))
	if err != nil {
		t.Skipf("no corpus at %s (%v); the fixtures in testdata stand in for it", corpusDir, err)
	}
	lines := strings.Split(string(b), "\n")
	head := strings.Split(lines[0], "\t")
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var out []corpusFile
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) < len(head) || !strings.HasSuffix(f[col["local_name"]], ".vcf") {
			continue
		}
		out = append(out, corpusFile{f[col["local_name"]], f[col["what_it_is"]], f[col["expected_facts"]]})
	}
	return out
}

// broken reports whether SOURCES.tsv says the file is broken on purpose.
func (f corpusFile) broken() bool {
	for _, w := range []string{"MALFORMED", "NEGATIVE CASE", "TRUNCATED", "unterminated"} {
		if strings.Contains(f.what, w) || strings.Contains(f.facts, w) {
			return true
		}
	}
	return false
}

// fact gives the value of key in the facts ("cards=1; FN='Ämi Display'; ..."),
// unquoted, and whether it is there.
func (f corpusFile) fact(key string) (string, bool) {
	for _, kv := range strings.Split(f.facts, "; ") {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k == key {
			if strings.HasPrefix(v, "'") {
				if i := strings.Index(v[1:], "'"); i >= 0 {
					return v[1 : i+1], true
				}
			}
			if i := strings.IndexByte(v, ' '); i >= 0 {
				v = v[:i]
			}
			return v, true
		}
	}
	return "", false
}

var leadingInt = regexp.MustCompile(`^\d+`)

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("SOURCES.tsv lists no vCard files")
	}
	ctx := context.Background()
	for _, cf := range files {
		t.Run(strings.TrimSuffix(cf.name, ".vcf"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(corpusDir, "vcard", cf.name))
			if err != nil {
				t.Skip(err)
			}
			s := openStore(t)
			r := NewReport(false)
			ierr := (&Importer{Store: s}).Import(ctx, cf.name, b, r)
			if cf.broken() {
				if ierr == nil && len(r.Warnings) == 0 && r.Rejected == 0 {
					t.Errorf("a broken file imported without a word on what is wrong")
				}
				return
			}
			if ierr != nil {
				t.Fatalf("import: %v", ierr)
			}
			want := -1
			if v, ok := cf.fact("cards"); ok {
				want, _ = strconv.Atoi(leadingInt.FindString(v))
				if r.CardsRead != want || r.Created+r.Updated != want {
					t.Errorf("cards read %d, imported %d, want %d", r.CardsRead, r.Created+r.Updated, want)
				}
			}
			var first *data.Contact
			if len(r.Cards) > 0 && r.Cards[0].ContactID != "" {
				if first, err = s.Contact(ctx, r.Cards[0].ContactID); err != nil {
					t.Fatal(err)
				}
			}
			if first == nil {
				return
			}
			if fn, ok := cf.fact("FN"); ok && !strings.Contains(cf.facts, "FN (") {
				if first.DisplayName != fn {
					t.Errorf("FN = %q, want %q", first.DisplayName, fn)
				}
			}
			if fn, ok := cf.fact("FN (Shift_JIS-decoded)"); ok && first.DisplayName != fn {
				t.Errorf("FN = %q, want %q", first.DisplayName, fn)
			}
			if bday, ok := cf.fact("BDAY"); ok && want == 1 {
				if got, want := first.Birthday.String(), corpusDate(bday); got != want {
					t.Errorf("birthday %q, want %q (%s)", got, want, bday)
				}
			}
			if want == 1 {
				for key, got := range map[string]int{"EMAIL": len(first.Emails), "TEL": len(first.Phones)} {
					if v, ok := cf.fact(key); ok {
						// A short number is a count; a long one is the number itself.
						if n, err := strconv.Atoi(v); err == nil && len(v) <= 2 && got != n {
							t.Errorf("%d %s, want %d", got, key, n)
						}
						if key == "TEL" && len(v) > 2 && (len(first.Phones) == 0 || !strings.HasPrefix(first.Phones[0].Number, v)) {
							t.Errorf("phones %v, want %s", first.Phones, v)
						}
					}
				}
			}
			// Export, re-import into an empty book, export again: the same.
			once := exportAll(t, s, V4)
			checkWellFormed(t, once)
			s2 := openStore(t)
			importFile(t, s2, "again.vcf", once, false)
			if twice := exportAll(t, s2, V4); !bytes.Equal(once, twice) {
				t.Errorf("export, import, export differs:\n%s", firstDiff(once, twice))
			}
		})
	}
}

// corpusDate turns the notations of SOURCES.tsv into Date.String's.
func corpusDate(v string) string {
	if i := strings.IndexByte(v, 'T'); i >= 0 {
		v = v[:i]
	}
	if len(v) == 8 && !strings.Contains(v, "-") {
		v = v[:4] + "-" + v[4:6] + "-" + v[6:]
	}
	if strings.HasPrefix(v, "1604-") {
		v = "--" + v[5:]
	}
	return v
}
