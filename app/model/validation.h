// The pure parsers and maskers forms and lists use on values a person types or reads: ID
// numbers (parse, mask), credit codes, mobiles, dates, counts and money (yuan <-> fen).
// Defined in store/validation.h (the store's received-change checks use them too); this
// header re-exports them so gui/ includes only app/ headers. No clock, locale or I/O.
#pragma once

#include "store/validation.h"  // parseIdNumber, maskIdNumber, normalizeMobile, normalizeDate, parseCount, parseYuanToFen, formatFen
