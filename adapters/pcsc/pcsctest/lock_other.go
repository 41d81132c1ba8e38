//go:build !unix

package pcsctest

import "os"

// Without flock the lock is per process only: tests of one package still
// take turns through the reader's own serialisation.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) error { return nil }

func flock(*os.File, bool) error { return nil }
