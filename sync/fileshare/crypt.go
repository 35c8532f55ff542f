package fileshare

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// Optional encryption (SYNC.md, "Optional encryption"). A random 256-bit
// share key, wrapped with the shared passphrase by age's scrypt recipient,
// sits in share.json; every other file is sealed with XChaCha20-Poly1305 under
// that key, bound to its path. The passphrase costs one scrypt per cycle, not
// one per file. File names, counts and sizes stay visible.

// ErrWrongPassphrase means the passphrase does not open the share's key:
// nothing was read or applied.
var ErrWrongPassphrase = errors.New("wrong passphrase for this share")

// ErrPassphraseNeeded means the share is encrypted and no passphrase was given.
var ErrPassphraseNeeded = errors.New("the share is encrypted: a passphrase is needed")

// scryptWorkFactor is age's default (about a second on a shop computer),
// paid once per cycle; tests lower it.
var scryptWorkFactor = 18

// sealedMagic starts every sealed file, so that a sealed file read without a
// key (or a plain one with a key) is told apart from damage.
const sealedMagic = "RAPPORT-SEALED-1\n"

// shareKey seals and opens files with the share key.
type shareKey struct{ key []byte }

func newShareKey() (*shareKey, error) {
	k := make([]byte, chacha20poly1305.KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return &shareKey{key: k}, nil
}

// wrap encrypts the share key with the passphrase for share.json.
func (k *shareKey) wrap(passphrase string) (string, error) {
	rcpt, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return "", err
	}
	rcpt.SetWorkFactor(scryptWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rcpt)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(k.key); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// unwrapShareKey opens share.json's key with the passphrase.
func unwrapShareKey(wrapped, passphrase string) (*shareKey, error) {
	raw, err := base64.StdEncoding.DecodeString(wrapped)
	if err != nil {
		return nil, fmt.Errorf("%w: share.json key: %v", ErrDamaged, err)
	}
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, err
	}
	r, err := age.Decrypt(bytes.NewReader(raw), id)
	if err != nil {
		var wrong *age.NoIdentityMatchError
		if errors.As(err, &wrong) || strings.Contains(err.Error(), "incorrect passphrase") {
			return nil, ErrWrongPassphrase
		}
		return nil, fmt.Errorf("%w: %v", ErrWrongPassphrase, err)
	}
	key, err := io.ReadAll(io.LimitReader(r, 1024))
	if err != nil || len(key) != chacha20poly1305.KeySize {
		return nil, fmt.Errorf("%w: share.json key", ErrDamaged)
	}
	return &shareKey{key: key}, nil
}

// seal encrypts a file's bytes for path. The nonce is derived from the key,
// the path and the contents, so sealing the same file again gives the same
// bytes (a segment rebuilt after a crash is the file already there), and two
// different files never share a nonce.
func (k *shareKey) seal(path string, plain []byte) []byte {
	aead, _ := chacha20poly1305.NewX(k.key)
	mac := hmac.New(sha256.New, k.key)
	mac.Write([]byte(path))
	mac.Write([]byte{0})
	mac.Write(plain)
	nonce := mac.Sum(nil)[:chacha20poly1305.NonceSizeX]
	out := append([]byte(sealedMagic), nonce...)
	return aead.Seal(out, nonce, plain, []byte(path))
}

// open checks and decrypts a sealed file read from path.
func (k *shareKey) open(path string, sealed []byte) ([]byte, error) {
	if !bytes.HasPrefix(sealed, []byte(sealedMagic)) {
		return nil, fmt.Errorf("%w: not sealed with the share key", ErrDamaged)
	}
	rest := sealed[len(sealedMagic):]
	if len(rest) < chacha20poly1305.NonceSizeX {
		return nil, fmt.Errorf("%w: cut short", ErrDamaged)
	}
	aead, _ := chacha20poly1305.NewX(k.key)
	plain, err := aead.Open(nil, rest[:chacha20poly1305.NonceSizeX], rest[chacha20poly1305.NonceSizeX:], []byte(path))
	if err != nil {
		return nil, fmt.Errorf("%w: it does not open with the share key (tampered or damaged)", ErrDamaged)
	}
	return plain, nil
}
