package studentid

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// SchoolCategory is digit 5 of a registry number: which stages a school
// teaches. Valid values are 0-7.
type SchoolCategory uint8

// School categories (SPEC §2, position 5).
const (
	SchoolPrimary             SchoolCategory = 0 // 小学
	SchoolJunior              SchoolCategory = 1 // 初中
	SchoolNineYear            SchoolCategory = 2 // 九年一贯制: primary and junior
	SchoolTwelveYear          SchoolCategory = 3 // 十二年一贯制: primary, junior and senior
	SchoolCompleteMiddle      SchoolCategory = 4 // 完全中学: junior and senior
	SchoolSenior              SchoolCategory = 5 // 普通高中
	SchoolVocational          SchoolCategory = 6 // 职业高中
	SchoolVocationalAndSenior SchoolCategory = 7 // 职业高中和普通高中
)

// StudentCategory is digit 9 of a registry number: the student's stage and
// whether they are a transient student (借读生). Valid values are 0-9.
type StudentCategory uint8

// Student categories (SPEC §2, position 9).
const (
	StudentPrimary               StudentCategory = 0 // 小学生
	StudentJunior                StudentCategory = 1 // 初中生
	StudentSenior                StudentCategory = 2 // 高中生
	StudentVocational            StudentCategory = 3 // 职高生
	StudentPrimaryTransient      StudentCategory = 4 // 小学借读生
	StudentJuniorTransient       StudentCategory = 5 // 初中借读生
	StudentSeniorTransient       StudentCategory = 6 // 高中借读生
	StudentPrimaryTransientLocal StudentCategory = 7 // 小学借读生, treated as local
	StudentJuniorTransientLocal  StudentCategory = 8 // 初中借读生, treated as local
	StudentSeniorTransientLocal  StudentCategory = 9 // 高中借读生, treated as local
)

// categorySet is a set of student categories, bit c for category c.
type categorySet uint16

func setOf(cs ...StudentCategory) categorySet {
	var s categorySet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// teaches is THE table of rules S-ID-2 and S-ID-3: for each school category,
// the student categories it may register. It is read-only; everything in the
// package that needs the rule reads it through [SchoolCategory.Allows].
var teaches = [...]categorySet{
	SchoolPrimary:             setOf(0, 4, 7),
	SchoolJunior:              setOf(1, 5, 8),
	SchoolNineYear:            setOf(0, 1, 4, 5, 7, 8),
	SchoolTwelveYear:          setOf(0, 1, 2, 4, 5, 6, 7, 8, 9),
	SchoolCompleteMiddle:      setOf(1, 2, 5, 6, 8, 9),
	SchoolSenior:              setOf(2, 6, 9),
	SchoolVocational:          setOf(3),
	SchoolVocationalAndSenior: setOf(2, 3, 6, 9),
}

// Valid reports whether c is a school category (0-7).
func (c SchoolCategory) Valid() bool { return int(c) < len(teaches) }

// Allows reports whether a school of category c may register a student of
// category s (rules S-ID-2, S-ID-3). It is false for invalid categories.
func (c SchoolCategory) Allows(s StudentCategory) bool {
	return c.Valid() && s.Valid() && teaches[c]&(1<<s) != 0
}

// StudentCategories lists, in ascending order, the student categories a
// school of category c may register; nil for an invalid category.
func (c SchoolCategory) StudentCategories() []StudentCategory {
	var out []StudentCategory
	for s := StudentCategory(0); s.Valid(); s++ {
		if c.Allows(s) {
			out = append(out, s)
		}
	}
	return out
}

// allowedList renders StudentCategories as "0 4 7" for error texts.
func (c SchoolCategory) allowedList() string {
	var b strings.Builder
	for _, s := range c.StudentCategories() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('0' + byte(s))
	}
	return b.String()
}

// String returns the English name of the school category.
func (c SchoolCategory) String() string { return c.Localize(l10n.English) }

// Localize returns the name of the school category in the language tag.
func (c SchoolCategory) Localize(tag language.Tag) string {
	keys := [...]string{
		"primary school",
		"junior high school",
		"nine-year school (primary and junior)",
		"twelve-year school (primary, junior and senior)",
		"complete middle school (junior and senior)",
		"ordinary senior high school",
		"vocational high school",
		"vocational and ordinary high school",
	}
	if !c.Valid() {
		return messages.Sprintf(tag, "unknown")
	}
	return messages.Sprintf(tag, keys[c])
}

// Valid reports whether s is a student category (0-9).
func (s StudentCategory) Valid() bool { return s <= 9 }

// IsTransient reports whether s is a transient (借读) category, 4-9
// (rule S-ID-3).
func (s StudentCategory) IsTransient() bool { return s >= 4 && s <= 9 }

// TreatedAsLocal reports whether s is a transient category treated as a
// local student, 7-9.
func (s StudentCategory) TreatedAsLocal() bool { return s >= 7 && s <= 9 }

// Stage returns the stage the student is in: 0, 4, 7 primary; 1, 5, 8
// junior; 2, 6, 9 senior; 3 vocational; [StageUnknown] for invalid values.
func (s StudentCategory) Stage() Stage {
	switch {
	case s == StudentVocational:
		return StageVocational
	case s <= 2:
		return StagePrimary + Stage(s)
	case s <= 9:
		return StagePrimary + Stage((s-4)%3)
	}
	return StageUnknown
}

// String returns the English name of the student category.
func (s StudentCategory) String() string { return s.Localize(l10n.English) }

// Localize returns the name of the student category in the language tag.
func (s StudentCategory) Localize(tag language.Tag) string {
	keys := [...]string{
		"primary student",
		"junior high student",
		"senior high student",
		"vocational high student",
		"primary transient student",
		"junior high transient student",
		"senior high transient student",
		"primary transient student treated as local",
		"junior high transient student treated as local",
		"senior high transient student treated as local",
	}
	if !s.Valid() {
		return messages.Sprintf(tag, "unknown")
	}
	return messages.Sprintf(tag, keys[s])
}

// Stage is the school stage a student is in. It decides the background
// colour of the student's ID card (rule S-1).
type Stage uint8

// Stages. The zero value is StageUnknown.
const (
	StageUnknown    Stage = iota // not derived from a valid student category
	StagePrimary                 // 小学
	StageJunior                  // 初中
	StageSenior                  // 高中
	StageVocational              // 职业高中
)

// Colour returns the background colour the ID card (证件卡) of a student in
// this stage is printed on (rule S-1): yellow for primary, green for junior,
// blue for senior. Vocational high students are not eligible for a student
// card (rule S-3), so for them, as for StageUnknown, it returns
// (NoColour, false).
func (s Stage) Colour() (Colour, bool) {
	switch s {
	case StagePrimary:
		return Yellow, true
	case StageJunior:
		return Green, true
	case StageSenior:
		return Blue, true
	}
	return NoColour, false
}

// String returns the English name of the stage.
func (s Stage) String() string { return s.Localize(l10n.English) }

// Localize returns the name of the stage in the language tag.
func (s Stage) Localize(tag language.Tag) string {
	keys := [...]string{"unknown", "primary", "junior high", "senior high", "vocational high"}
	if int(s) >= len(keys) {
		s = StageUnknown
	}
	return messages.Sprintf(tag, keys[s])
}

// Colour is the background colour of a student ID card (rule S-1).
type Colour uint8

// ID card background colours. The zero value, NoColour, is what cards of
// stages that get no student card report.
const (
	NoColour Colour = iota // no student card for this stage (rule S-3)
	Yellow                 // primary
	Green                  // junior high
	Blue                   // senior high
)

// String returns the English name of the colour.
func (c Colour) String() string { return c.Localize(l10n.English) }

// Localize returns the name of the colour in the language tag.
func (c Colour) Localize(tag language.Tag) string {
	keys := [...]string{"no colour", "yellow", "green", "blue"}
	if int(c) >= len(keys) {
		c = NoColour
	}
	return messages.Sprintf(tag, keys[c])
}
