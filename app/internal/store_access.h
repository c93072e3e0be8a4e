// The store behind a Node, for app/'s own parts (importer, demo builder, exporter, queries,
// the sync service) and for white-box tests. Not part of the facade: gui/ may not include
// this header (scripts/check-layers.sh fails the build when it does), so views and models
// reach records only through Node's methods, which validate and notify.
#pragma once

#include "app/node.h"

namespace unionsync::internal {

// The node's store; lives as long as `node`.
inline Store& storeOf(Node& node) { return *node.store_; }
inline const Store& storeOf(const Node& node) { return *node.store_; }

}  // namespace unionsync::internal
