package vcf

import (
	"reflect"
	"testing"
)

// TestParallelDecodeIsSequentialDecode: a large file's cards, mapped on every
// core, give what mapping them one after the other gives, in file order.
func TestParallelDecodeIsSequentialDecode(t *testing.T) {
	in := generatedCards(t, 3000)
	parallel, pw, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	defer func(old int) { parallelDecodeFrom = old }(parallelDecodeFrom)
	parallelDecodeFrom = 1 << 30
	sequential, sw, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(parallel) != 3000 || !reflect.DeepEqual(parallel, sequential) || !reflect.DeepEqual(pw, sw) {
		t.Fatalf("parallel decode differs: %d cards, %d and %d warnings", len(parallel), len(pw), len(sw))
	}
}
