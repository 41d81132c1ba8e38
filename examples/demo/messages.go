package main

import "github.com/bjedu/studentcard/l10n"

// messages holds every line the demo prints, keyed by its English text.
var messages = l10n.NewCatalog()
