//! Tests of switchboard-listen, one module per area of `src/`.

// Parsing: precedence, implicit AND, phrases, fields, errors with positions.
mod parse;
// Local matching: word boundaries, prefixes, phrases, case, Unicode, fields.
mod matching;
// Translation to each network's search.
mod network;
// Properties: no panics on any input, errors inside the input, Display round trip.
mod props;
