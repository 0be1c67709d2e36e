//! Reports: first-response figures checked against a computation written
//! here from the CSV rows alone (twcs layout, real import path, SQLite and
//! PostgreSQL), the report's other figures on a worked case, the board's
//! privacy for executives, and `switchboard report` in each format.

// twcs files, imported, against an independent computation from the rows.
mod twcs;
// NRT, resolution, hand-overs, backlog, drill-down and the board.
mod lifecycle;
// The command: json keys, csv slices, printable and escaped html, bad input.
mod formats;
