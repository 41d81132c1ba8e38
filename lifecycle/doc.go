// Package lifecycle is the ledger of the student cards' lives across the
// three tiers (city, district, school; rule S-4): the state machines of the
// ID card and the registry card, the rules of SPEC §4, §5 and §7 as code, the
// working-day calendar and deadlines, stock and reserve counts, operator
// scopes, and a hash-chained audit log.
//
// # Layers
//
// [Store] is a small transactional interface in the spirit of
// database/sql/driver; [NewMemStore] implements it in memory, and
// adapters/sqlite and adapters/postgres on SQL. Every implementation must
// pass the conformance suite in lifecycle/storetest. [Ledger] is the rich API
// on top: every call carries an [Operator], is checked against its scope (a
// school acts on its own students and cards, a district on its schools, the
// city on all; anything else is [ErrForbidden] and is audited too), writes
// one event per card transition with the card as it was before, and appends
// one entry to the operator's audit chain, all in one transaction. Time comes
// from an injected clock, working days from an injected [Calendar].
//
// # Where each rule lives
//
//   - Machines as data ([IDCardMachine], [RegistryCardMachine]): every
//     transition names its rule; an illegal one is a *[TransitionError]
//     naming the current state and the rule (C-MGMT-1: an ID card is never
//     reported lost; R-MOVE-1: no personalisation before the transfer-in;
//     C-ISSUE-3: no issue before the school's result import).
//   - Loss: [LossEffectiveAt] (R-LOSS-1, 2 working days), [LossPeriodEnd]
//     (R-LOSS-2, 10 days), [Ledger.IssueTemporary] (R-LOSS-2),
//     [Ledger.ReplaceRegistryCard] with [RegistryReplacementTerms] (R-LOSS-3:
//     15 yuan, fee code 174011, deadlines 14/17/20 working days; R-LOSS-4:
//     free for a card fault), [IDReplacementTerms] (C-REPLACE-1).
//   - Registration: [RegistrationPolicy] (R-REG-1, per-district windows).
//   - Moves and leaving: [Ledger.TransferOut], [Ledger.TransferIn] (R-MOVE-1,
//     R-MOVE-2 with [ErrNotAtSchool]), [Ledger.Resume], [Ledger.Leave]
//     (R-LEAVE-1), [Ledger.Recover] and [Ledger.Leavers] (R-LEAVE-2).
//   - Numbers: [CardApplication] (S-ID-4), [Ledger.PreassignNumber],
//     [Ledger.ExportNumberChanges], [Ledger.FileNumberChanges],
//     [Ledger.ImportFilingResult] (S-ID-5; a number is never reused, S-ID-1).
//   - Flow and deadlines: [Ledger.ReceiveStock] (R-ISSUE-1),
//     [Ledger.ImportResult] and [Ledger.ImportResultFile] (C-ISSUE-1..4, C-5
//     waste via the batch package, R-TIME-1 hand-on clocks for ID cards),
//     [Ledger.OfflinePersonalisation] (R-ISSUE-4), [Ledger.Overdue] per
//     scope.
//   - Stock: [SchoolAllocation] and [Ledger.SchoolShipment] (R-ISSUE-2, 8 %),
//     [CityAllocation] (R-ISSUE-1), [Reserve], [Ledger.ShipReserve],
//     [Ledger.PrintSmallBatch] (S-7, C-RESERVE-1), the fault chain
//     (R-FAULT-1).
//   - Operations: [Ledger.RecordSync], [Ledger.LastSync], [Ledger.Unsent]
//     (R-OPS-1).
//   - Lists: [Ledger.ListEvents] turns the day's report-loss, cancel-loss,
//     freeze and unfreeze into batch/lists events for the daily event file
//     (R-LIST-1), a loss at the time it takes effect (R-LOSS-1).
//   - Validation: [Ledger.NumberHistory] is the batch.History the district
//     and city validators ask about every registry number (S-ID-1).
//   - Data protection: [Ledger.RecordExport] (P-1), [Ledger.ChangeControlledField]
//     (P-2), events' before-values, [Ledger.Undo] and the [Audit] chain with
//     its verifier (P-3). Chains are named by [AuditChainFor] ([CityChain],
//     or a district code); [Ledger.AuditChains], [Ledger.AuditEntries] and
//     [Ledger.AuditHead] read them within the operator's scope.
//
// # Texts
//
// Errors render in Chinese and English (Localize). English texts show
// stored values ("id", "at-district", "report-loss"); Chinese texts name
// them as the seeds do ([CardKind.Localize]: 证件卡, 学籍卡;
// [CardKind.StateName]: 在区级, 已发放; [Action.Localize]: 挂失;
// [Level.Localize]: 区级).
//
// # Calendar data
//
// The working-day calendar ships the State Council's holiday arrangements
// for 2024, 2025 and 2026 in holidays.txt (embedded), which cites each notice
// and says how the dates were verified. Computations outside the covered
// years fail with [ErrOutsideCalendar] rather than guess; load a newer file
// with [ParseCalendar] when the next notice is out.
package lifecycle
