package ui

import "fyne.io/fyne/v2"

// runner runs store work off the UI goroutine. Screens share the window's
// runner; tests replace it with one that runs work when they choose.
type runner func(func())

func goroutineRunner(f func()) { go f() }

// load runs work through run and hands its result to done on the UI goroutine.
func load[T any](run runner, work func() (T, error), done func(T, error)) {
	run(func() {
		v, err := work()
		fyne.Do(func() { done(v, err) })
	})
}

// act runs a store change through run and calls done with its error on the
// UI goroutine.
func act(run runner, work func() error, done func(error)) {
	run(func() {
		err := work()
		fyne.Do(func() { done(err) })
	})
}
