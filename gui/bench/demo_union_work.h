// Union work records for the screenshot test's demo node (hardship files, assistance, rights
// cases, contracts, congresses, funds), so the record views render rows rather than an empty
// table. Dated in the previous year, so none is in the future whatever day the test runs.
#pragma once

#include "app/node.h"

namespace unionsync::gui::bench {

// Adds them unless the node already holds hardship files (a demo that brings its own).
// Returns how many records were written.
Result<std::size_t> addDemoUnionWork(Node& node);

}  // namespace unionsync::gui::bench
