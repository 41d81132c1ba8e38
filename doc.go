// Package studentcard is the map of the Beijing primary and secondary school
// student card SDK. It holds no code; the packages below it do the work.
package studentcard
