package main

import (
	"context"
	"errors"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// ledgerHistory answers the validators' S-ID-1 question — which resident ID
// was this registry number given to? — from the ledger's store: the number
// record names the student, the student record holds the resident ID.
type ledgerHistory struct{ store lifecycle.Store }

// AssignedTo implements batch.History.
func (h ledgerHistory) AssignedTo(ctx context.Context, id studentid.ID) (studentid.ResidentID, bool, error) {
	var rid studentid.ResidentID
	found := false
	err := h.store.Tx(ctx, func(tx lifecycle.Tx) error {
		n, err := tx.GetNumber(ctx, id.String())
		if errors.Is(err, lifecycle.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		s, err := tx.GetStudent(ctx, n.StudentKey)
		if errors.Is(err, lifecycle.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if rid, err = studentid.ParseResidentID(s.IDNumber); err != nil {
			return err
		}
		found = true
		return nil
	})
	return rid, found, err
}
