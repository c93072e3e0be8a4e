// UTF-8 text as the CLI and the GUI walk it: the program's one walker (store/utf8.h), reached
// through app/ so that gui/ never includes store/ headers. Contracts are those of store/utf8.h:
// - decodeNext(text, pos): the character at pos, pos moved past it; nothing (and pos + 1)
//   for bytes that are not a well-formed sequence;
// - appendUtf8(out, codePoint): appends the character's UTF-8 bytes;
// - boundaryAtOrBefore(text, at): the last offset <= at that does not split a character;
// - sequenceLength, invalidUtf8Offset, invalidTextOffset, isValidText: the checks.
#pragma once

#include "store/utf8.h"  // IWYU pragma: export

namespace unionsync::text {

using unionsync::appendUtf8;
using unionsync::boundaryAtOrBefore;
using unionsync::decodeNext;
using unionsync::invalidTextOffset;
using unionsync::invalidUtf8Offset;
using unionsync::isValidText;
using unionsync::sequenceLength;

}  // namespace unionsync::text
