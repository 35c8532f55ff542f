package fileshare

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Share is every access sync makes to the shared folder. Names are
// slash-separated paths relative to the folder's Rapport directory. Nothing
// else in the package touches the share, so that the fault-injecting MemShare
// exercises every path the folder implementation takes.
type Share interface {
	// List gives the names of the files (not folders) directly in dir, and
	// the names of its sub-folders with a trailing "/". A missing dir is
	// fs.ErrNotExist.
	List(dir string) ([]string, error)
	// ReadFile gives a file's bytes.
	ReadFile(name string) ([]byte, error)
	// WriteTemp creates (or replaces) name with data and flushes it to stable
	// storage before returning. It is only used for temporary files.
	WriteTemp(name string, data []byte) error
	// Rename moves a file to a name that must not exist yet (fs.ErrExist if
	// it does): files on the share are never replaced. The folder is flushed.
	Rename(from, to string) error
	// Remove deletes a file; a missing one is not an error.
	Remove(name string) error
	// MkdirAll creates a folder and its parents.
	MkdirAll(dir string) error
}

// ErrDamaged marks a file that does not validate: it is never applied and is
// treated as not arrived yet.
var ErrDamaged = errors.New("damaged file")

// errCutShort marks a damaged file whose end is missing, as a partial upload
// or a torn rename leaves it.
var errCutShort = fmt.Errorf("%w: cut short (no end record)", ErrDamaged)

// WriteNew puts data on the share under name, a file that must not exist yet,
// the only way sync creates files (SYNC.md, principle 2): write a temporary
// file in tmpDir and flush it, rename it into place, then read it back and
// compare, because a rename reported done is not always a file in place (a
// cloud client can lose or truncate it). A file that reads back different is
// removed again when it was this computer's to write; the caller retries in a
// later cycle. fs.ErrExist means another writer took the name.
func WriteNew(sh Share, tmpDir, name string, data []byte) error {
	tmp := path.Join(tmpDir, strings.ReplaceAll(name, "/", "-")+".tmp")
	if err := sh.WriteTemp(tmp, data); err != nil {
		sh.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := sh.Rename(tmp, name); err != nil {
		sh.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	// A read can be bad while the file is good (a flaky network link); only
	// a file that reads back wrong every time counts as damaged, because the
	// caller removes it and others may have read it meanwhile.
	var err error
	var back []byte
	for range verifyReads {
		if back, err = sh.ReadFile(name); err == nil && bytes.Equal(back, data) {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: reading it back: %w", name, err)
	}
	if len(back) == len(data) {
		// Whole but reading wrong: most likely the reads, not the file.
		// Leave it; the next cycle finds it in place or writes it again.
		return fmt.Errorf("write %s: it reads back different from what was written; it is checked again next time", name)
	}
	return fmt.Errorf("write %s: %w: it landed cut short", name, ErrDamaged)
}

// verifyReads is how many times WriteNew reads a file back before it calls
// it damaged.
const verifyReads = 3

// FolderShare is a Share on a folder of this computer's file system (a local
// folder, a mounted network share, a cloud client's folder, a USB stick).
type FolderShare struct {
	Root string // the Rapport directory inside the folder the user chose
}

var _ Share = (*FolderShare)(nil)

// NewFolderShare is the share in folder (the folder the user picked; the
// files go in its Rapport sub-folder).
func NewFolderShare(folder string) *FolderShare {
	return &FolderShare{Root: filepath.Join(folder, "Rapport")}
}

func (f *FolderShare) path(name string) string {
	return filepath.Join(f.Root, filepath.FromSlash(name))
}

// List implements Share.
func (f *FolderShare) List(dir string) ([]string, error) {
	entries, err := os.ReadDir(f.path(dir))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name()+"/")
		} else {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// ReadFile implements Share.
func (f *FolderShare) ReadFile(name string) ([]byte, error) {
	return os.ReadFile(f.path(name))
}

// WriteTemp implements Share.
func (f *FolderShare) WriteTemp(name string, data []byte) error {
	p := f.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	file, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = file.Write(data)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

// Rename implements Share. The existence check and the rename are two steps;
// that is enough because only one computer writes in each folder, and a
// second one (a cloned disk) is caught by reading back.
func (f *FolderShare) Rename(from, to string) error {
	dst := f.path(to)
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	if err := os.Rename(f.path(from), dst); err != nil {
		return err
	}
	syncFolder(filepath.Dir(dst))
	return nil
}

// syncFolder flushes a folder's entries so a rename survives a power cut;
// some systems and network file systems cannot, which is not an error.
func syncFolder(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync() // not every file system can; reading back checks the file anyway
	d.Close()
}

// Remove implements Share.
func (f *FolderShare) Remove(name string) error {
	err := os.Remove(f.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// MkdirAll implements Share.
func (f *FolderShare) MkdirAll(dir string) error {
	return os.MkdirAll(f.path(dir), 0o700)
}
