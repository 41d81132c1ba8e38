//go:build !linux

package vpcd

// quickACK is Linux-only; elsewhere delayed ACKs stay as the system sets them.
func quickACK(any) {}
