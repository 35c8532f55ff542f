// Package fileshare replicates Rapport's store between computers through a
// plain shared folder (a network share, a NAS, a cloud client's folder, a USB
// stick), with no server, as the sync protocol describes.
//
// Each computer writes only under devices/<its id>/ of the folder's Rapport
// directory: sealed, never-changed segment files of its operations (from the
// store's outbox), heads saying what it has read of everyone, and snapshots of
// the whole book. A Syncer's Cycle publishes, applies the others' files with
// data.Store.ApplyRemoteRecording (each file in one transaction with the
// record of having applied it), acknowledges and keeps the folder small; Join
// sets a new computer up from the newest snapshot. Every access to the folder
// goes through the Share interface: FolderShare is the real folder, MemShare
// an in-memory one that injects the faults real shares and cloud clients
// have, for the tests.
package fileshare
