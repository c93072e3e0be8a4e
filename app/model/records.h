// The value types Node hands out and takes (app/node.h): record kinds and ids, records with
// their stamped fields, conflicts, Result/Error, and the schema tables (kindDef, findField,
// FieldDef, displayValue) that name and format the fields. They are defined in store/ because
// the store persists them; this header is the door through which the CLI and the GUI reach
// them, so that neither includes store/ headers (which also declare the Store itself).
#pragma once

#include "store/schema.h"  // Kind's fields: KindDef, FieldDef, findField, normalizeValue, displayValue
#include "store/types.h"   // Result, Error, Kind, RecordId, Record, FieldState, Stamp, Conflict, VersionVector
#include "store/hlc.h"     // hlcToMs: when a stamp (a field write, a conflict side) was made
