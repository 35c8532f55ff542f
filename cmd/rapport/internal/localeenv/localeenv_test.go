package localeenv

import (
	"os"
	"testing"
)

func TestNormalise(t *testing.T) {
	tests := []struct {
		name          string
		all, msg, lng string // LC_ALL, LC_MESSAGES, LANG before
		want          [3]string
	}{
		{"C.UTF-8", "", "", "C.UTF-8", [3]string{"", "", "C"}},
		{"POSIX in LC_ALL", "POSIX.utf8", "", "de_CH.UTF-8", [3]string{"POSIX", "", "de_CH.UTF-8"}},
		{"a real locale is kept", "", "", "de_CH.UTF-8", [3]string{"", "", "de_CH.UTF-8"}},
		{"only the one that counts", "", "fr_FR.UTF-8", "C.UTF-8", [3]string{"", "fr_FR.UTF-8", "C.UTF-8"}},
		{"plain C is kept", "", "", "C", [3]string{"", "", "C"}},
		{"nothing set", "", "", "", [3]string{"", "", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("LC_ALL", tc.all)
			t.Setenv("LC_MESSAGES", tc.msg)
			t.Setenv("LANG", tc.lng)
			normalise()
			got := [3]string{os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG")}
			if got != tc.want {
				t.Errorf("after normalise %q, want %q", got, tc.want)
			}
		})
	}
}
