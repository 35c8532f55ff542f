package vcf

import (
	"bytes"
	"image"
	"testing"
)

func TestPreparePhoto(t *testing.T) {
	big := testJPEG(t, 1200)
	small := testJPEG(t, 40)
	cases := []struct {
		name    string
		in      []byte
		side    int // 0: kept as it was
		wantErr bool
	}{
		{"LargeIsScaled", big, photoSide, false},
		{"SmallIsKept", small, 0, false},
		{"NotAPicture", []byte("BEGIN:VCARD"), 0, true},
		{"Empty", nil, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PreparePhoto(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("PreparePhoto: %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if tc.side == 0 {
				if !bytes.Equal(got, tc.in) {
					t.Errorf("a small photo was changed")
				}
				return
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(got))
			if err != nil || cfg.Width != tc.side || len(got) > maxPhotoBytes {
				t.Errorf("scaled to %dx%d, %d bytes (%v)", cfg.Width, cfg.Height, len(got), err)
			}
		})
	}
}
