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
//   - Loss: [Ledger.LossEffective] (R-LOSS-1: in effect at the latest 2
//     working days after the report, an upper bound whose clock the daily
//     upload closes), the 10-day loss period (R-LOSS-2), [Ledger.IssueTemporary]
//     (R-LOSS-2), [Ledger.ReplaceRegistryCard] with [RegistryReplacementTerms]
//     (R-LOSS-3: 15 yuan, fee code 174011, deadlines 14/17/20 working days;
//     R-LOSS-4: free for a card fault; R-LOSS-5: applied for within a week of
//     the loss period's end or of [Ledger.ReportDamaged], delivered within 10
//     working days), [IDReplacementTerms] (C-REPLACE-1),
//     [CardTerms] and [IDReplacementCost] (S-10, C-FEE-1).
//   - Registration: [RegistrationPolicy] (R-REG-1, per-district windows,
//     [RegistrationPolicy.CurrentSemester] as the card counts semesters);
//     issuing a card registers it, and a student who arrived this semester
//     registers at any time.
//   - Moves and leaving: [Ledger.TransferOut] (R-MOVE-1; the ID card is
//     cancelled, C-MGMT-1; R-TIME-2's 10 working days; a frozen card is
//     transferred out too and comes off the freeze list, as the card itself
//     allows: seed 001 freezes a card whose holder left "without the transfer
//     operation", so that operation may still follow), [Ledger.TransferIn]
//     (R-MOVE-2 with [ErrNotAtSchool]), [Ledger.Resume] (R-MOVE-2: the card
//     works again), a transferred-out card lost or replaced at the old school
//     (R-MOVE-3), [Ledger.Leave] (R-LEAVE-1, C-MGMT-1, P-5, R-TIME-2),
//     [Ledger.Recover] and [Ledger.Leavers] (R-LEAVE-2, S-ID-10), hand-in to
//     the district where recovered cards stop (R-RECOVER-2).
//   - Numbers: [CardApplication] (S-ID-4, S-ID-7), [Ledger.PreassignNumber]
//     (S-ID-8), [Ledger.ExportNumberChanges], [Ledger.FileNumberChanges],
//     [Ledger.ImportFilingResult] (S-ID-5; a number is never reused, S-ID-1);
//     [Ledger.Enrol] checks the data and keeps a resident ID number with the
//     student registered first (S-ID-9).
//   - Flow and deadlines: [Ledger.ReceiveStock] (R-ISSUE-1),
//     [Ledger.ImportResult] and [Ledger.ImportResultFile] (C-ISSUE-1..4, C-5
//     waste via the batch package, R-TIME-1 hand-on clocks for ID cards),
//     [Ledger.OfflinePersonalisation] (R-ISSUE-4), [Ledger.Overdue] per
//     scope.
//   - Stock: [SchoolAllocation] and [Ledger.SchoolShipment] (R-ISSUE-2, 8 %),
//     [Ledger.ReceiveStock] (R-ISSUE-1), [Ledger.Reserve], [Ledger.ShipReserve],
//     [Ledger.PrintSmallBatch] (S-7, C-RESERVE-1; [ReserveEntry] for the
//     paper register, C-RESERVE-2), the fault chain
//     (R-FAULT-1).
//   - Operations: [Ledger.RecordSync], [Ledger.LastSync], [Ledger.Unsent]
//     (R-OPS-1), [Ledger.ScheduleDuties] (R-OPS-2: weekly backup and virus
//     scan, daily upload, month-end sync; R-OPS-3: sync checks, the spring
//     transfers by 16 March and their sync by 20 March), [Ledger.ReportStaff] (S-14), roles on operators ([Role]: a
//     system administrator takes no part in registry business, S-14).
//   - Lists: [Ledger.ListEvents] turns the day's report-loss, cancel-loss,
//     freeze and unfreeze into batch/lists events for the daily event file
//     (R-LIST-1), a loss on the day it is reported (R-LOSS-1).
//   - Applications and units: [Ledger.FileApplication] (S-11),
//     [Ledger.ReportMisuse] (S-12), [Ledger.HolderView] (S-13); holders go
//     out with every ID card issue (S-8, [StockHoldersIssued]); no card is
//     taken back outside recall and recovery (S-9).
//   - Validation: [Ledger.NumberHistory] is the batch.History the district
//     and city validators ask about every registry number (S-ID-1).
//   - Data protection: [Ledger.RecordExport] (P-1, P-6),
//     [Ledger.ApproveChange] and [Ledger.ChangeControlledField] (P-2: the
//     approval is the approver's recorded act; P-5), [CheckCollected] (P-7),
//     events' before-values, [Ledger.Undo] (by a level that may do the
//     operation, within [UndoWindow]) and the [Audit] chain with
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
// and says how the dates were verified. [Calendar.AddWorkingDays] fails
// outside the covered years with [ErrOutsideCalendar] rather than guess; the
// Ledger instead goes on provisionally (weekends only), flags the deadlines
// it counted so ([Deadline.Provisional]) and never stops a daily list; load a
// newer file with [ParseCalendar] when the next notice is out and call
// [Ledger.RecomputeProvisional].
package lifecycle
