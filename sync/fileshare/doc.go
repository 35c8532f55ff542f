// Package fileshare will replicate Rapport's store between computers through
// a plain shared folder, as the sync protocol describes; the store already
// records every change in its outbox and merges remote operations with
// data.Store.ApplyRemote.
package fileshare
